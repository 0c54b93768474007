using Microsoft.Extensions.AI;
using PluginAI.Retrieval;

namespace PluginAI.Processing;

/// <summary>What a postprocessor knows about the response it processes, as plain data.</summary>
/// <remarks>
/// It carries no services, so the same context reaches a postprocessor in this process, in a worker process or on
/// another node. A postprocessor reports what it finds in its output stream, as <see cref="PostprocessorFindingContent"/>
/// items among an update's contents (<see cref="TextStreamPostprocessor"/> does this for its subclasses).
/// </remarks>
public sealed record PostprocessorContext
{
    /// <summary>Gets or initializes the messages sent to the model.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; init; } = [];

    /// <summary>Gets or initializes the passages the answer may cite, numbered from 1 in this order.</summary>
    public IReadOnlyList<RetrievedPassage> Sources { get; init; } = [];
}
