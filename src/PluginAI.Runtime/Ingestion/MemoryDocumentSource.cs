using System.Collections.Concurrent;

namespace PluginAI.Runtime.Ingestion;

/// <summary>
/// Documents held in memory: an upload through the server, or documents another node sent. Each has a key of its own
/// (<see cref="SourceDocument.Key"/>), not a path on this disk. It never removes stored documents.
/// </summary>
public sealed class MemoryDocumentSource : IDocumentSource
{
    private readonly ConcurrentDictionary<string, (SourceDocument Document, ReadOnlyMemory<byte> Content)> _documents = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="MemoryDocumentSource"/> class.</summary>
    /// <param name="description">What the documents are, for reports (such as "upload").</param>
    public MemoryDocumentSource(string description = "memory") => Description = description;

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>Adds a document.</summary>
    /// <param name="key">Its stable key, such as <c>upload:report.pdf</c>.</param>
    /// <param name="content">Its bytes.</param>
    /// <param name="mediaType">Its media type, if known.</param>
    /// <param name="lastModified">When it last changed; defaults to now.</param>
    public void Add(string key, ReadOnlyMemory<byte> content, string? mediaType = null, DateTimeOffset? lastModified = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _documents[key] = (new SourceDocument(key, content.Length, lastModified ?? DateTimeOffset.UtcNow, mediaType), content);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SourceDocument>> ListAsync(ICollection<SkippedFile> skipped, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SourceDocument>>([.. _documents.Values.Select(d => d.Document).OrderBy(d => d.Key, StringComparer.Ordinal)]);

    /// <inheritdoc />
    public Task<ReadOnlyMemory<byte>> ReadAsync(SourceDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return _documents.TryGetValue(document.Key, out var entry)
            ? Task.FromResult(entry.Content)
            : throw new PluginException($"{document.Key}: the document is not in this source.") { FilePath = document.Key };
    }

    /// <inheritdoc />
    public bool IsRemoved(string key) => false;
}
