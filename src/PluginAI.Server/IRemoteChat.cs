using Microsoft.Extensions.AI;

namespace PluginAI.Server;

/// <summary>
/// Answers the server's chat and completion requests somewhere else: registered in the server's services (as
/// <c>pluginai serve --cluster</c> does), it takes every request for a model that is not a knowledge base, and its
/// models are listed by <c>/v1/models</c>.
/// </summary>
public interface IRemoteChat
{
    /// <summary>Gets a short description of where requests go, for logs and errors.</summary>
    string Description { get; }

    /// <summary>Lists the chat models that can be asked for.</summary>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The model names.</returns>
    Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken = default);

    /// <summary>Streams an answer.</summary>
    /// <param name="model">The model asked for.</param>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request's options.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    /// <returns>The updates.</returns>
    IAsyncEnumerable<ChatResponseUpdate> StreamAsync(string model, IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken = default);
}
