using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using PluginAI;
using PluginAI.Processing;
using PluginAI.Retrieval;

namespace Acme.Plugin._1;

/// <summary>
/// A knowledge base held in memory. Searches read an immutable snapshot without locking; writes build the next
/// snapshot, save it to a temporary file and move that over the knowledge base's file, so a document is stored wholly
/// or not at all.
/// </summary>
internal sealed partial class InMemoryKnowledgeBase : IKnowledgeBase
{
    private const double KeywordWeight = 0.5;
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly KnowledgeBaseOptions _options;
    private readonly string _file;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private ImmutableSortedDictionary<string, StoredDocument> _documents;
    private bool _disposed;

    private InMemoryKnowledgeBase(KnowledgeBaseOptions options, string file, ImmutableSortedDictionary<string, StoredDocument> documents)
    {
        _options = options;
        _file = file;
        _documents = documents;
    }

    public string Name => _options.Name;

    public static async Task<InMemoryKnowledgeBase> OpenAsync(KnowledgeBaseOptions options, CancellationToken cancellationToken)
    {
        if (options.Name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || options.Name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{options.Name}' cannot be used as a file name.", nameof(options));
        }

        Directory.CreateDirectory(options.Directory);
        var file = Path.Combine(options.Directory, options.Name + ".kb.json");
        var documents = ImmutableSortedDictionary.Create<string, StoredDocument>(StringComparer.Ordinal);
        if (File.Exists(file))
        {
            StoredKnowledgeBase? stored;
            try
            {
                await using var stream = File.OpenRead(file);
                stored = await JsonSerializer.DeserializeAsync<StoredKnowledgeBase>(stream, s_json, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                throw new PluginException($"The knowledge base file {file} is damaged: {ex.Message}", ex) { FilePath = file, ErrorCode = "kb.damaged" };
            }

            if (stored is null || stored.EmbeddingModelId != options.EmbeddingModelId || stored.EmbeddingDimensions != options.EmbeddingDimensions)
            {
                throw new PluginException(
                    $"The knowledge base '{options.Name}' ({file}) holds embeddings of '{stored?.EmbeddingModelId}' ({stored?.EmbeddingDimensions} dimensions), " +
                    $"not of '{options.EmbeddingModelId}' ({options.EmbeddingDimensions} dimensions). Use another knowledge base, or remove this one and ingest again.")
                {
                    FilePath = file,
                    ErrorCode = "kb.embedding-model",
                };
            }

            documents = documents.AddRange(stored.Documents.Select(d => KeyValuePair.Create(d.SourcePath, d)));
        }

        var knowledgeBase = new InMemoryKnowledgeBase(options, file, documents);
        if (!File.Exists(file))
        {
            // Written at once, so that the embedding model is pinned from the start.
            await knowledgeBase.SaveAsync(documents, CancellationToken.None).ConfigureAwait(false);
        }

        return knowledgeBase;
    }

    public async Task UpsertDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var chunks = document.Chunks.Select(c =>
        {
            if (c.Embedding.Length != 0 && c.Embedding.Length != _options.EmbeddingDimensions)
            {
                throw new PluginException($"Chunk {c.Index} of {document.SourcePath} has {c.Embedding.Length} dimensions; the knowledge base '{Name}' stores {_options.EmbeddingDimensions}.");
            }

            return new StoredChunk(c.Index, c.Text, c.Page, c.Section, c.StartOffset, c.EndOffset, c.Embedding.ToArray());
        }).ToList();
        var stored = new StoredDocument(
            document.SourcePath,
            document.MediaType,
            document.ContentHash ?? Convert.ToHexStringLower(SHA256.HashData(document.Content.Span)),
            DateTimeOffset.UtcNow,
            chunks);

        await WriteAsync(documents => documents.SetItem(stored.SourcePath, stored), cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveDocumentAsync(string sourcePath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourcePath);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var removed = false;
        await WriteAsync(
            documents =>
            {
                removed = documents.ContainsKey(sourcePath);
                return documents.Remove(sourcePath);
            },
            cancellationToken).ConfigureAwait(false);
        return removed;
    }

    public async IAsyncEnumerable<KnowledgeDocumentInfo> ListDocumentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var document in Volatile.Read(ref _documents).Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new KnowledgeDocumentInfo
            {
                SourcePath = document.SourcePath,
                MediaType = document.MediaType,
                ContentHash = document.ContentHash,
                ChunkCount = document.Chunks.Count,
                IndexedAt = document.IndexedAt,
            };
        }
    }

    public Task<IReadOnlyList<RetrievedPassage>> SearchAsync(RetrievalQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var embedding = query.Embedding.Span;
        var useVector = query.Mode != SearchMode.Keyword && embedding.Length == _options.EmbeddingDimensions;
        var useKeywords = query.Mode != SearchMode.Vector;
        if (!useVector && !useKeywords)
        {
            return Task.FromResult<IReadOnlyList<RetrievedPassage>>([]);
        }

        var terms = Terms(query.Text).Distinct().ToArray();
        var glob = query.PathGlob is { Length: > 0 } pattern ? GlobToRegex(pattern) : null;
        var ranked = new List<(double Score, StoredDocument Document, StoredChunk Chunk)>();
        foreach (var document in Volatile.Read(ref _documents).Values)
        {
            if ((query.MediaTypes.Count > 0 && !query.MediaTypes.Contains(document.MediaType, StringComparer.OrdinalIgnoreCase))
                || (glob is not null && !glob.IsMatch(document.SourcePath.Replace('\\', '/'))))
            {
                continue;
            }

            foreach (var chunk in document.Chunks)
            {
                var keyword = useKeywords ? KeywordScore(terms, chunk.Text) : 0;
                var vector = useVector && chunk.Embedding.Length == embedding.Length ? Cosine(embedding, chunk.Embedding) : (double?)null;
                if (vector is null && keyword <= 0)
                {
                    continue;
                }

                ranked.Add(((vector ?? 0) + (useVector ? KeywordWeight * keyword : keyword), document, chunk));
            }
        }

        IReadOnlyList<RetrievedPassage> passages = [.. ranked
            .OrderByDescending(r => r.Score)
            .ThenBy(r => r.Document.SourcePath, StringComparer.Ordinal)
            .ThenBy(r => r.Chunk.Index)
            .Take(Math.Max(query.Top, 0))
            .Select(r => new RetrievedPassage
            {
                SourcePath = r.Document.SourcePath,
                Text = r.Chunk.Text,
                Score = r.Score,
                ChunkIndex = r.Chunk.Index,
                MediaType = r.Document.MediaType,
                Page = r.Chunk.Page,
                Section = r.Chunk.Section,
                StartOffset = r.Chunk.StartOffset,
                EndOffset = r.Chunk.EndOffset,
            })];
        return Task.FromResult(passages);
    }

    public Task<KnowledgeBaseStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var documents = Volatile.Read(ref _documents);
        return Task.FromResult(new KnowledgeBaseStatistics
        {
            Documents = documents.Count,
            Chunks = documents.Values.Sum(d => (long)d.Chunks.Count),
            SizeBytes = File.Exists(_file) ? new FileInfo(_file).Length : 0,
            EmbeddingDimensions = _options.EmbeddingDimensions,
            EmbeddingModelId = _options.EmbeddingModelId,
            VectorIndex = "exact",
        });
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        _writeGate.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WriteAsync(Func<ImmutableSortedDictionary<string, StoredDocument>, ImmutableSortedDictionary<string, StoredDocument>> change, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var next = change(_documents);
            await SaveAsync(next, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _documents, next);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task SaveAsync(ImmutableSortedDictionary<string, StoredDocument> documents, CancellationToken cancellationToken)
    {
        var temporary = _file + ".tmp";
        var stored = new StoredKnowledgeBase(1, _options.EmbeddingModelId, _options.EmbeddingDimensions, [.. documents.Values]);
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, stored, s_json, cancellationToken).ConfigureAwait(false);
        }

        // The move replaces the file in one step: a crash leaves the old or the new knowledge base, never half of one.
        File.Move(temporary, _file, overwrite: true);
    }

    private static IEnumerable<string> Terms(string text) =>
        TermPattern().Matches(text).Select(m => m.Value.ToLowerInvariant());

    private static double KeywordScore(string[] terms, string text)
    {
        if (terms.Length == 0)
        {
            return 0;
        }

        var counts = Terms(text).CountBy(t => t).ToDictionary(p => p.Key, p => p.Value);
        var score = 0.0;
        foreach (var term in terms)
        {
            var count = counts.GetValueOrDefault(term);
            score += count / (count + 1.0);
        }

        return score / terms.Length;
    }

    private static double Cosine(ReadOnlySpan<float> a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    private static Regex GlobToRegex(string glob)
    {
        var pattern = Regex.Escape(glob.Replace('\\', '/'))
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        return new Regex("^" + pattern + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex TermPattern();

    private sealed record StoredKnowledgeBase(int Format, string EmbeddingModelId, int EmbeddingDimensions, List<StoredDocument> Documents);

    private sealed record StoredDocument(string SourcePath, string MediaType, string ContentHash, DateTimeOffset IndexedAt, List<StoredChunk> Chunks);

    private sealed record StoredChunk(int Index, string Text, int? Page, string? Section, int StartOffset, int EndOffset, float[] Embedding);
}
