using Microsoft.Extensions.AI;

namespace PluginAI.Backends;

/// <summary>A model a backend has loaded, exposed through Microsoft.Extensions.AI.</summary>
/// <remarks>
/// <para>
/// The clients are safe to use from several threads at once; a backend that runs one sequence at a time queues callers
/// rather than failing them, and concurrent requests get the answers they would get one after another. Disposing the
/// model invalidates its clients.
/// </para>
/// <para>
/// The clients observe their cancellation tokens: a call whose token is already cancelled throws
/// <see cref="OperationCanceledException"/> without producing anything, and a stream cancelled while it runs ends
/// promptly with that exception. Asking for a stream returns at once; the work happens while it is enumerated. A stream
/// yields its text in order: with <see cref="ModelCapabilities.SeedDeterminism"/> the text of its updates, concatenated,
/// is the text of the non-streaming answer for the same request.
/// </para>
/// <para>
/// The embedding generator returns one embedding per input, in input order, each of
/// <see cref="ModelMetadata.EmbeddingDimensions"/> values; an empty batch gives an empty result.
/// </para>
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
