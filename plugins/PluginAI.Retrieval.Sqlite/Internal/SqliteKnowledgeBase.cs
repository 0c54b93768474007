using System.Runtime.CompilerServices;
using PluginAI.Processing;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>A knowledge base in one SQLite file, with its vectors in memory and an optional HNSW index beside it.</summary>
/// <remarks>
/// <para>
/// The database (<see cref="DocumentStore"/>) is the truth; the in-memory <see cref="VectorCache"/> and the HNSW file
/// (<see cref="HnswMaintenance"/>) are caches rebuilt from it. Writers are serialised by <see cref="_writeGate"/> and
/// use the store's one write connection; searches use pooled read-only connections. A writer commits while holding
/// the write side of <see cref="_lock"/> and applies its change to the cache before releasing it, so a search, which
/// holds the read side, sees the database and the cache at the same version.
/// </para>
/// <para>
/// The HNSW index is built in the background once the knowledge base reaches the threshold; searches use the exact
/// scan until it is ready. Changes made while it builds are replayed onto it before it is swapped in.
/// </para>
/// <para>
/// Other processes may write the same database (an <c>ingest</c> beside a server). Every commit advances the stored
/// generation from the value read inside its own write transaction; a search that finds the stored generation ahead
/// of its memory, and a writer that finds it ahead before committing, drop the cache (and the index built from it),
/// and the next search loads it again. Documents are claimed in the <c>claims</c> table (<see cref="ISharedKnowledgeBase"/>),
/// so that two ingestions do not parse and embed the same document.
/// </para>
/// </remarks>
internal sealed class SqliteKnowledgeBase : IKnowledgeBase, ISharedKnowledgeBase
{
    private static readonly TimeSpan s_claimLease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_claimRenewal = TimeSpan.FromSeconds(30);
    private readonly ClaimHolder _holder = ClaimHolder.ForThisProcess();
    private Timer? _claimRenewalTimer;
    private readonly KnowledgeBaseOptions _options;
    private readonly DocumentStore _store;
    private readonly HnswMaintenance _hnsw;
    private readonly HybridRanker _ranker;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly object _loadGate = new();
    private VectorCache? _cache;
    private long _generation;
    private bool _disposed;

    private SqliteKnowledgeBase(KnowledgeBaseOptions options, SqliteRetrieverSettings settings, DocumentStore store)
    {
        _options = options;
        _store = store;
        _generation = store.OpenedGeneration;
        _ranker = new HybridRanker(settings);
        _hnsw = new HnswMaintenance(store.DatabasePath, options.EmbeddingDimensions, settings, _lock, _writeGate, () => _generation);
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>Gets the path of the SQLite database.</summary>
    public string DatabasePath => _store.DatabasePath;

    /// <summary>Gets the path of the HNSW index file.</summary>
    public string IndexPath => _hnsw.IndexPath;

    /// <summary>Gets the path of the file that records which database generation the index file matches.</summary>
    public string IndexStampPath => _hnsw.IndexStampPath;

    /// <summary>Gets whether vector searches currently use the HNSW index.</summary>
    internal bool UsesHnsw => _hnsw.Current is not null;

    /// <summary>Opens or creates the knowledge base described by <paramref name="options"/>.</summary>
    public static SqliteKnowledgeBase Open(KnowledgeBaseOptions options, SqliteRetrieverSettings settings) =>
        new(options, settings, DocumentStore.Open(options));

    /// <inheritdoc />
    public async Task UpsertDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentException.ThrowIfNullOrEmpty(document.SourcePath);
        ArgumentException.ThrowIfNullOrEmpty(document.MediaType);
        ObjectDisposedException.ThrowIf(_disposed, this);

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        List<long> preAdded = [];
        try
        {
            var added = new List<(long RowId, float[] Vector)>(document.Chunks.Count);
            using var transaction = _store.BeginWrite();
            var stored = _store.ReadGeneration(transaction);
            var removed = _store.DeleteDocument(transaction, document.SourcePath);
            var documentId = _store.InsertDocument(transaction, document, added, cancellationToken);
            _store.ReleaseClaim(transaction, document.SourcePath, _holder);
            _store.DeletePartial(transaction, document.SourcePath);
            _store.SetGeneration(transaction, stored + 1);
            cancellationToken.ThrowIfCancellationRequested();

            CommitWrite(transaction, stored, documentId, document.SourcePath, document.MediaType, removed, added, preAdded);
        }
        finally
        {
            foreach (var rowId in preAdded)
            {
                _hnsw.Current?.Remove(rowId);
            }

            _writeGate.Release();
        }

        StartHnswBuildIfNeeded();
    }

    /// <inheritdoc />
    public async Task<bool> RemoveDocumentAsync(string sourcePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _store.BeginWrite();
            if (!_store.DocumentExists(transaction, sourcePath))
            {
                return false;
            }

            var stored = _store.ReadGeneration(transaction);
            var removed = _store.DeleteDocument(transaction, sourcePath);
            _store.DeletePartial(transaction, sourcePath);
            _store.SetGeneration(transaction, stored + 1);
            cancellationToken.ThrowIfCancellationRequested();
            CommitWrite(transaction, stored, null, sourcePath, null, removed, [], []);
            return true;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<KnowledgeDocumentInfo> ListDocumentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await foreach (var document in _store.ListDocumentsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return document;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RetrievedPassage>> SearchAsync(RetrievalQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<RetrievedPassage>>(cancellationToken);
        }

        if (query.Top <= 0)
        {
            return Task.FromResult<IReadOnlyList<RetrievedPassage>>([]);
        }

        var useVector = query.Mode != SearchMode.Keyword && !query.Embedding.IsEmpty;
        if (query.Mode == SearchMode.Vector && query.Embedding.IsEmpty)
        {
            throw new ArgumentException("A vector search needs the query embedding.", nameof(query));
        }

        float[]? vector = null;
        if (useVector)
        {
            if (query.Embedding.Length != _options.EmbeddingDimensions)
            {
                throw new PluginException(
                    $"The query embedding has {query.Embedding.Length} dimensions; knowledge base '{Name}' stores {_options.EmbeddingDimensions} ({_options.EmbeddingModelId}).")
                {
                    FilePath = DatabasePath,
                    ErrorCode = "knowledge-base.bad-embedding",
                };
            }

            vector = query.Embedding.ToArray();
            VectorArena.Normalize(vector);
        }

        var glob = string.IsNullOrWhiteSpace(query.PathGlob) ? null : PathGlob.Parse(query.PathGlob);
        var cache = EnsureCurrent();

        _lock.EnterReadLock();
        try
        {
            var allowed = cache.AllowedDocuments(glob, query.MediaTypes, out var allowedChunks);
            if (allowed is { Count: 0 })
            {
                return Task.FromResult<IReadOnlyList<RetrievedPassage>>([]);
            }

            using var connection = _store.OpenReadConnection();
            var ranked = _ranker.Rank(query, vector, cache, _hnsw.Current, connection, allowed, allowedChunks, cancellationToken);
            return Task.FromResult<IReadOnlyList<RetrievedPassage>>(DocumentStore.ReadPassages(connection, ranked));
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public async Task<DocumentClaim> ClaimDocumentAsync(string sourcePath, string contentHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        var claim = await WriteAsync(transaction => _store.Claim(transaction, sourcePath, contentHash, _holder, DateTimeOffset.UtcNow, s_claimLease), cancellationToken).ConfigureAwait(false);
        if (claim.Status == DocumentClaimStatus.Claimed && Volatile.Read(ref _claimRenewalTimer) is null)
        {
            var timer = new Timer(_ => RenewClaims(), null, s_claimRenewal, s_claimRenewal);
            if (Interlocked.CompareExchange(ref _claimRenewalTimer, timer, null) is not null)
            {
                await timer.DisposeAsync().ConfigureAwait(false);
            }
        }

        return claim;
    }

    /// <inheritdoc />
    public async Task ReleaseDocumentAsync(string sourcePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        await WriteAsync(transaction => _store.ReleaseClaim(transaction, sourcePath, _holder), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> BeginPartialDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentException.ThrowIfNullOrEmpty(document.SourcePath);
        ArgumentException.ThrowIfNullOrEmpty(document.MediaType);
        ArgumentException.ThrowIfNullOrEmpty(document.ContentHash);
        return await WriteAsync(transaction => _store.BeginPartial(transaction, document, document.ContentHash), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task AppendPartialChunksAsync(string sourcePath, string contentHash, IReadOnlyList<DocumentChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        ArgumentNullException.ThrowIfNull(chunks);
        await WriteAsync(transaction => _store.AppendPartial(transaction, sourcePath, contentHash, chunks, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> CompletePartialDocumentAsync(string sourcePath, string contentHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        List<long> preAdded = [];
        int count;
        try
        {
            using var transaction = _store.BeginWrite();
            var stored = _store.ReadGeneration(transaction);
            var (documentId, chunks, removed) = _store.CompletePartial(transaction, sourcePath, contentHash, _holder);
            count = chunks;
            _store.SetGeneration(transaction, stored + 1);
            cancellationToken.ThrowIfCancellationRequested();

            // The vectors are read back only when this process keeps them in memory: an ingestion that never searches
            // stores a large document without ever holding all of its vectors.
            var added = Volatile.Read(ref _cache) is not null ? _store.ReadVectors(transaction, documentId) : null;
            CommitWrite(transaction, stored, documentId, sourcePath, _store.MediaTypeOf(transaction, documentId), removed, added, preAdded);
        }
        finally
        {
            foreach (var rowId in preAdded)
            {
                _hnsw.Current?.Remove(rowId);
            }

            _writeGate.Release();
        }

        StartHnswBuildIfNeeded();
        return count;
    }

    /// <inheritdoc />
    public Task<KnowledgeBaseStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var (documents, chunks) = _store.Count();
        var size = new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm", IndexPath, IndexStampPath }
            .Select(path => new FileInfo(path))
            .Where(file => file.Exists)
            .Sum(file => file.Length);
        return Task.FromResult(new KnowledgeBaseStatistics
        {
            Documents = documents,
            Chunks = chunks,
            SizeBytes = size,
            EmbeddingDimensions = _options.EmbeddingDimensions,
            EmbeddingModelId = _options.EmbeddingModelId,
            VectorIndex = UsesHnsw ? "hnsw" : "exact",
        });
    }

    /// <inheritdoc />
    public Task<KeywordStatistics?> GetKeywordStatisticsAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var phrases = CorpusBm25.Phrases(text);
        _lock.EnterReadLock();
        try
        {
            using var connection = _store.OpenReadConnection();
            return Task.FromResult<KeywordStatistics?>(CorpusBm25.Statistics(connection, phrases));
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Loads the vectors and waits until the HNSW index, when the knowledge base is large enough for one, is ready.</summary>
    internal async Task WaitForVectorIndexAsync()
    {
        EnsureLoaded();
        Task? build;
        lock (_loadGate)
        {
            build = _hnsw.PendingBuild;
        }

        if (build is not null)
        {
            await build.ConfigureAwait(false);
        }
    }

    /// <summary>Runs an exact vector search, bypassing the HNSW index; for tests and benchmarks.</summary>
    internal List<(long Id, double Score)> ExactSearch(ReadOnlySpan<float> query, int top)
    {
        var cache = EnsureLoaded();
        _lock.EnterReadLock();
        try
        {
            return cache.ExactSearch(query, top, null, CancellationToken.None);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Runs a vector search with whichever index is active; for tests and benchmarks.</summary>
    internal List<(long Id, double Score)> VectorSearch(ReadOnlySpan<float> query, int top)
    {
        var cache = EnsureLoaded();
        _lock.EnterReadLock();
        try
        {
            return cache.Search(query, top, null, 0, _hnsw.Current, CancellationToken.None);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Task? build;
        lock (_loadGate)
        {
            build = _hnsw.PendingBuild;
        }

        if (build is not null)
        {
            try
            {
                await build.ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is InvalidOperationException or IOException)
            {
                // The index is a cache: a failed build only means the next open builds it again.
            }
        }

        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_claimRenewalTimer is not null)
            {
                await _claimRenewalTimer.DisposeAsync().ConfigureAwait(false);
                ReleaseClaims();
            }

            _hnsw.Close(_generation);
            _store.Dispose();
        }
        finally
        {
            _writeGate.Release();
        }

        _lock.Dispose();
    }

    private void ApplyToMemory(long? documentId, string sourcePath, string? mediaType, List<long> removed, List<(long RowId, float[] Vector)> added)
    {
        if (_cache is null)
        {
            return;
        }

        _cache.Apply(documentId, sourcePath, mediaType, removed, added);
        _hnsw.MarkChanged();
    }

    private VectorCache EnsureLoaded()
    {
        if (Volatile.Read(ref _cache) is { } loaded)
        {
            return loaded;
        }

        VectorCache cache;
        lock (_loadGate)
        {
            if (_cache is { } raced)
            {
                return raced;
            }

            _lock.EnterWriteLock();
            try
            {
                (cache, var generation) = _store.LoadVectors();
                _generation = generation;
                _hnsw.LoadIfPresent(cache.Arena);
                Volatile.Write(ref _cache, cache);
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }

        StartHnswBuildIfNeeded();
        return cache;
    }

    /// <summary>Runs one write transaction under the write gate that changes nothing searches see (claims, parts).</summary>
    private Task WriteAsync(Action<Microsoft.Data.Sqlite.SqliteTransaction> write, CancellationToken cancellationToken) =>
        WriteAsync<bool>(
            transaction =>
            {
                write(transaction);
                return true;
            },
            cancellationToken);

    /// <summary>Runs one write transaction under the write gate that changes nothing searches see (claims, parts), and returns its result.</summary>
    private async Task<T> WriteAsync<T>(Func<Microsoft.Data.Sqlite.SqliteTransaction, T> write, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _store.BeginWrite();
            var result = write(transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Commits a write made under the write gate and brings the memory to it: the vectors of <paramref name="added"/> go
    /// into the graph before the commit, outside the lock, so that searches are not held up while the graph links them
    /// (they stay invisible until the cache holds their rows); the cache takes the change in the same critical section
    /// as the commit, or is dropped when another process wrote since it was loaded or the vectors were not read.
    /// </summary>
    private void CommitWrite(Microsoft.Data.Sqlite.SqliteTransaction transaction, long stored, long? documentId, string sourcePath, string? mediaType, List<long> removed, List<(long RowId, float[] Vector)>? added, List<long> preAdded)
    {
        var hnsw = _hnsw.Current;
        if (hnsw is not null && added is { Count: > 0 })
        {
            _hnsw.AddBeforeCommit(hnsw, added, preAdded);
        }

        _lock.EnterWriteLock();
        try
        {
            transaction.Commit();
            preAdded.Clear();
            if (stored == _generation && added is not null)
            {
                ApplyToMemory(documentId, sourcePath, mediaType, removed, added);
            }
            else
            {
                RetireCache();
                hnsw = null;
            }

            _generation = stored + 1;
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        foreach (var rowId in removed)
        {
            hnsw?.Remove(rowId);
        }
    }

    /// <summary>Loads the cache, first dropping it when another process has committed since it was loaded.</summary>
    private VectorCache EnsureCurrent()
    {
        var cache = EnsureLoaded();
        if (_store.ReadCommittedGeneration() == Volatile.Read(ref _generation))
        {
            return cache;
        }

        // A writer of this process may be between its commit and its update of the generation; under the write gate
        // no writer of this process runs, so a difference seen there was made by another process.
        _writeGate.Wait();
        try
        {
            if (_store.ReadCommittedGeneration() != _generation)
            {
                _lock.EnterWriteLock();
                try
                {
                    RetireCache();
                }
                finally
                {
                    _lock.ExitWriteLock();
                }
            }
        }
        finally
        {
            _writeGate.Release();
        }

        return EnsureLoaded();
    }

    /// <summary>Drops the cache and the index built from it; called under the write lock.</summary>
    private void RetireCache()
    {
        if (_cache is { } cache)
        {
            cache.IsRetired = true;
        }

        Volatile.Write(ref _cache, null);
        _hnsw.Discard();
    }

    private void RenewClaims()
    {
        try
        {
            _store.UpdateClaims(_holder, DateTimeOffset.UtcNow + s_claimLease);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // A busy database delays the renewal to the next tick; the lease outlasts several ticks.
        }
    }

    private void ReleaseClaims()
    {
        try
        {
            _store.UpdateClaims(_holder, null);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // Claims of a closed knowledge base expire, and the holder's process is checked before they are honoured.
        }
    }

    private void StartHnswBuildIfNeeded()
    {
        lock (_loadGate)
        {
            if (!_disposed && _cache is { } cache)
            {
                _hnsw.StartBuildIfNeeded(cache);
            }
        }
    }
}
