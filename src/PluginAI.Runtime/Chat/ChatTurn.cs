using Microsoft.Extensions.AI;
using PluginAI.Processing;

namespace PluginAI.Runtime.Chat;

/// <summary>One streamed answer: its updates after the postprocessors, and what they found.</summary>
public sealed class ChatTurn
{
    private readonly PostprocessorContext _context;

    internal ChatTurn(IAsyncEnumerable<ChatResponseUpdate> updates, PostprocessorContext context)
    {
        Updates = updates;
        _context = context;
    }

    /// <summary>Gets the updates; read them once.</summary>
    public IAsyncEnumerable<ChatResponseUpdate> Updates { get; }

    /// <summary>Gets the postprocessors' findings; complete once <see cref="Updates"/> has been read to the end.</summary>
    public IReadOnlyList<PostprocessorFinding> Findings => _context.Findings;
}
