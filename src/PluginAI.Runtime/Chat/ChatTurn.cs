using Microsoft.Extensions.AI;
using PluginAI.Processing;

namespace PluginAI.Runtime.Chat;

/// <summary>One streamed answer: its updates after the postprocessors, and what they found.</summary>
public sealed class ChatTurn
{
    private readonly IReadOnlyCollection<PostprocessorFinding> _findings;

    internal ChatTurn(IAsyncEnumerable<ChatResponseUpdate> updates, IReadOnlyCollection<PostprocessorFinding> findings)
    {
        Updates = updates;
        _findings = findings;
    }

    /// <summary>Gets the updates; read them once.</summary>
    public IAsyncEnumerable<ChatResponseUpdate> Updates { get; }

    /// <summary>Gets the postprocessors' findings; complete once <see cref="Updates"/> has been read to the end.</summary>
    public IReadOnlyList<PostprocessorFinding> Findings => [.. _findings];
}
