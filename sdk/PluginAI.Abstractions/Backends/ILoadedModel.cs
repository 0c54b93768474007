using Microsoft.Extensions.AI;

namespace PluginAI.Backends;

/// <summary>A model a backend has loaded, exposed through Microsoft.Extensions.AI.</summary>
/// <remarks>
/// The clients are safe to use from several threads unless <see cref="ModelMetadata"/> says otherwise; a backend
/// that runs one sequence at a time queues callers. Disposing the model invalidates its clients.
/// </remarks>
public interface ILoadedModel : IAsyncDisposable
{
    /// <summary>Gets what the model is.</summary>
    ModelMetadata Metadata { get; }

    /// <summary>Gets the chat client, or <see langword="null"/> when the model does not generate text.</summary>
    IChatClient? ChatClient { get; }

    /// <summary>Gets the embedding generator, or <see langword="null"/> when the model does not embed.</summary>
    IEmbeddingGenerator<string, Embedding<float>>? EmbeddingGenerator { get; }

    /// <summary>Gets a service the model offers beyond this interface, or <see langword="null"/>.</summary>
    /// <param name="serviceType">The type of service.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : null;
}
