using Microsoft.Extensions.AI;
using PluginAI.Processing;
using PluginAI.Runtime.Models;

namespace PluginAI.Runtime.Chat;

/// <summary>A chat model taken from the pool, with its postprocessor chain.</summary>
/// <remarks>Thread-safe for concurrent requests when the backend's client is (the conformance suite checks it).</remarks>
public sealed class ChatSession : IAsyncDisposable
{
    private readonly PostprocessorChain _chain;

    internal ChatSession(ModelLease lease, PostprocessorChain chain)
    {
        Lease = lease;
        _chain = chain;
        Client = lease.Model.ChatClient!.AsBuilder().UsePostprocessors(chain).Build();
    }

    /// <summary>Gets the pooled model.</summary>
    public ModelLease Lease { get; }

    /// <summary>Gets the postprocessors every answer passes through, in order; empty for a raw session.</summary>
    public IReadOnlyList<IPostprocessor> Postprocessors => _chain.Postprocessors;

    /// <summary>Gets the model's client composed with the postprocessors, for any <see cref="IChatClient"/> consumer.</summary>
    public IChatClient Client { get; }

    /// <summary>Streams an answer through the postprocessors, keeping what they find.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">Sampling and length.</param>
    /// <param name="cancellationToken">A token to stop generating.</param>
    /// <returns>The turn: its updates and, once read to the end, the postprocessors' findings.</returns>
    public ChatTurn Stream(IReadOnlyList<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var context = new PostprocessorContext { Messages = messages };
        var findings = new List<PostprocessorFinding>();
        var updates = _chain.ProcessWithFindingsAsync(Lease.Model.ChatClient!.GetStreamingResponseAsync(messages, options, cancellationToken), context, findings, cancellationToken);
        return new ChatTurn(updates, findings);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Lease.DisposeAsync();
}
