using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using PluginAI.Retrieval;

namespace PluginAI.Processing;

/// <summary>What a postprocessor knows about the response it processes, and where it reports what it found.</summary>
/// <remarks>Safe to use from several threads.</remarks>
public sealed class PostprocessorContext
{
    private readonly ConcurrentQueue<PostprocessorFinding> _findings = new();

    /// <summary>Gets or initializes the messages sent to the model.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; init; } = [];

    /// <summary>Gets or initializes the passages the answer may cite, numbered from 1 in this order.</summary>
    public IReadOnlyList<RetrievedPassage> Sources { get; init; } = [];

    /// <summary>Gets what the postprocessors reported, in the order reported.</summary>
    public IReadOnlyList<PostprocessorFinding> Findings => [.. _findings];

    /// <summary>Reports a finding, such as a dropped citation or a redaction.</summary>
    /// <param name="finding">The finding.</param>
    public void Report(PostprocessorFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        _findings.Enqueue(finding);
    }
}
