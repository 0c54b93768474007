using Microsoft.Extensions.AI;
using PluginAI.Processing;
using PluginAI.Retrieval;
using PluginAI.Runtime.Models;

namespace PluginAI.Runtime.Knowledge;

/// <summary>An answer being written: its sources, its streamed text, and what the postprocessors found.</summary>
/// <remarks>Holds the knowledge base and the model until disposed: read <see cref="Updates"/>, then dispose.</remarks>
public sealed class Answer : IAsyncDisposable
{
    private readonly KnowledgeBaseSession _session;
    private readonly ModelLease? _model;

    private readonly List<PostprocessorFinding> _findings;

    internal Answer(KnowledgeBaseSession session, ModelLease? model, string? modelId, IReadOnlyList<RetrievedPassage> sources, IAsyncEnumerable<ChatResponseUpdate> updates, PostprocessorContext context, List<PostprocessorFinding> findings)
    {
        _findings = findings;
        _session = session;
        _model = model;
        ModelId = modelId;
        Sources = sources;
        Updates = updates;
        Context = context;
    }

    /// <summary>Gets the passages the answer may cite, numbered from 1 in this order.</summary>
    public IReadOnlyList<RetrievedPassage> Sources { get; }

    /// <summary>Gets the answer's text as it streams, after the postprocessors.</summary>
    public IAsyncEnumerable<ChatResponseUpdate> Updates { get; }

    /// <summary>Gets the postprocessor context: the messages sent to the model and the sources.</summary>
    public PostprocessorContext Context { get; }

    /// <summary>Gets what the postprocessors found; complete once <see cref="Updates"/> has been read to the end.</summary>
    public IReadOnlyList<PostprocessorFinding> Findings => [.. _findings];

    /// <summary>Gets a value indicating whether the answer quotes passages rather than being written by a model.</summary>
    public bool IsExtractive => ModelId is null;

    /// <summary>Gets the id of the model that writes the answer, or <see langword="null"/> when it is extractive.</summary>
    public string? ModelId { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _session.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            if (_model is not null)
            {
                await _model.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
