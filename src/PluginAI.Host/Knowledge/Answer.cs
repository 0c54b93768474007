using Microsoft.Extensions.AI;
using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Host.Knowledge;

/// <summary>An answer being written: its sources, its streamed text, and what the postprocessors found.</summary>
public sealed class Answer
{
    internal Answer(IReadOnlyList<RetrievedPassage> sources, IAsyncEnumerable<ChatResponseUpdate> updates, PostprocessorContext context, bool extractive)
    {
        Sources = sources;
        Updates = updates;
        Context = context;
        IsExtractive = extractive;
    }

    /// <summary>Gets the passages the answer may cite, numbered from 1 in this order.</summary>
    public IReadOnlyList<RetrievedPassage> Sources { get; }

    /// <summary>Gets the answer's text as it streams, after the postprocessors.</summary>
    public IAsyncEnumerable<ChatResponseUpdate> Updates { get; }

    /// <summary>Gets the postprocessor context; its findings are complete once <see cref="Updates"/> has been read to the end.</summary>
    public PostprocessorContext Context { get; }

    /// <summary>Gets a value indicating whether the answer quotes passages rather than being written by a model.</summary>
    public bool IsExtractive { get; }
}
