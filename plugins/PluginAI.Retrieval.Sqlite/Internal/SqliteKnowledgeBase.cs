using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using PluginAI.Processing;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>A knowledge base in one SQLite file, with its vectors in memory and an optional HNSW index beside it.</summary>
/// <remarks>
/// <para>
/// The database is the truth; the in-memory arena and the HNSW file are caches rebuilt from it. Writers are serialised
/// by <see cref="_writeGate"/> and use the one write connection; searches use pooled read-only connections. A writer
/// commits while holding the write side of <see cref="_lock"/> and applies its change to the arena before releasing
/// it, so a search, which holds the read side, sees the database and the arena at the same version.
/// </para>
/// <para>
/// The HNSW index is built in the background once the knowledge base reaches the threshold; searches use the exact
/// scan until it is ready. Changes made while it builds are replayed onto it before it is swapped in.
/// </para>
/// </remarks>
internal sealed class SqliteKnowledgeBase : IKnowledgeBase
{
    private readonly KnowledgeBaseOptions _options;
    private readonly SqliteRetrieverSettings _settings;
    private readonly string _readConnectionString;
    private readonly SqliteConnection _writeConnection;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly object _loadGate = new();
    private readonly Dictionary<long, DocumentEntry> _documents = [];
    private VectorArena? _arena;
    private HnswIndex? _hnsw;
    private Task? _hnswBuild;
    private List<(long RowId, bool Added)>? _changesDuringBuild;
    private bool _hnswDirty;
    private long _generation;
    private bool _disposed;

    private SqliteKnowledgeBase(KnowledgeBaseOptions options, SqliteRetrieverSettings settings, string databasePath, SqliteConnection writeConnection, long generation)
    {
        _options = options;
        _settings = settings;
        DatabasePath = databasePath;
        IndexPath = Path.ChangeExtension(databasePath, ".usearch");
        IndexStampPath = IndexPath + ".json";
        _writeConnection = writeConnection;
        _generation = generation;
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
        }.ToString();
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>Gets the path of the SQLite database.</summary>
    public string DatabasePath { get; }

    /// <summary>Gets the path of the HNSW index file.</summary>
    public string IndexPath { get; }

    /// <summary>Gets the path of the file that records which database generation the index file matches.</summary>
    public string IndexStampPath { get; }

    /// <summary>Gets whether vector searches currently use the HNSW index.</summary>
    internal bool UsesHnsw => Volatile.Read(ref _hnsw) is not null;

    /// <summary>Opens or creates the knowledge base described by <paramref name="options"/>.</summary>
    public static SqliteKnowledgeBase Open(KnowledgeBaseOptions options, SqliteRetrieverSettings settings)
    {
        Directory.CreateDirectory(options.Directory);
        var databasePath = Path.Combine(Path.GetFullPath(options.Directory), options.Name + ".sqlite");
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();

            // WAL lets searches read while a document is written. synchronous=FULL makes each commit fsync the WAL,
            // so a document whose upsert completed survives power loss, not only a killed process (for which
            // NORMAL would already suffice).
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";
                pragma.ExecuteNonQuery();
            }

            var generation = KnowledgeBaseSchema.Initialize(connection, databasePath, options.EmbeddingModelId, options.EmbeddingDimensions);
            return new SqliteKnowledgeBase(options, settings, databasePath, connection, generation);
        }
        catch (SqliteException exception)
        {
            connection.Dispose();
            throw new PluginException($"The knowledge base '{databasePath}' could not be opened: {exception.Message}", exception)
            {
                FilePath = databasePath,
                ErrorCode = "knowledge-base.open-failed",
            };
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

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
            var dimensions = _options.EmbeddingDimensions;
            var added = new List<(long RowId, float[] Vector)>(document.Chunks.Count);
            using var transaction = _writeConnection.BeginTransaction(deferred: false);
            var removed = DeleteDocument(transaction, document.SourcePath);

            long documentId;
            using (var insert = _writeConnection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO documents(source_path, media_type, content_hash, title, last_modified, indexed_at)
                    VALUES ($path, $media, $hash, $title, $modified, $indexed) RETURNING id
                    """;
                insert.Parameters.AddWithValue("$path", document.SourcePath);
                insert.Parameters.AddWithValue("$media", document.MediaType);
                insert.Parameters.AddWithValue("$hash", document.ContentHash ?? Convert.ToHexStringLower(SHA256.HashData(document.Content.Span)));
                insert.Parameters.AddWithValue("$title", (object?)document.Title ?? DBNull.Value);
                insert.Parameters.AddWithValue("$modified", document.LastModified.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("$indexed", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                documentId = (long)insert.ExecuteScalar()!;
            }

            using (var insertChunk = _writeConnection.CreateCommand())
            {
                insertChunk.Transaction = transaction;
                insertChunk.CommandText = """
                    INSERT INTO chunks(document_id, chunk_index, text, page, section, start_offset, end_offset, token_count, embedding)
                    VALUES ($document, $index, $text, $page, $section, $start, $end, $tokens, $embedding) RETURNING id
                    """;
                var pDocument = insertChunk.Parameters.Add("$document", SqliteType.Integer);
                var pIndex = insertChunk.Parameters.Add("$index", SqliteType.Integer);
                var pText = insertChunk.Parameters.Add("$text", SqliteType.Text);
                var pPage = insertChunk.Parameters.Add("$page", SqliteType.Integer);
                var pSection = insertChunk.Parameters.Add("$section", SqliteType.Text);
                var pStart = insertChunk.Parameters.Add("$start", SqliteType.Integer);
                var pEnd = insertChunk.Parameters.Add("$end", SqliteType.Integer);
                var pTokens = insertChunk.Parameters.Add("$tokens", SqliteType.Integer);
                var pEmbedding = insertChunk.Parameters.Add("$embedding", SqliteType.Blob);
                pDocument.Value = documentId;

                foreach (var chunk in document.Chunks)
                {
                    if (chunk.Embedding.Length != dimensions)
                    {
                        throw new PluginException(
                            chunk.Embedding.IsEmpty
                                ? $"Chunk {chunk.Index} of '{document.SourcePath}' has no embedding; embed the chunks before storing them in knowledge base '{Name}'."
                                : $"Chunk {chunk.Index} of '{document.SourcePath}' has an embedding of {chunk.Embedding.Length} dimensions; knowledge base '{Name}' stores {dimensions} ({_options.EmbeddingModelId}).")
                        {
                            FilePath = document.SourcePath,
                            ErrorCode = "knowledge-base.bad-embedding",
                        };
                    }

                    var vector = chunk.Embedding.ToArray();
                    VectorArena.Normalize(vector);
                    pIndex.Value = chunk.Index;
                    pText.Value = chunk.Text ?? string.Empty;
                    pPage.Value = (object?)chunk.Page ?? DBNull.Value;
                    pSection.Value = (object?)chunk.Section ?? DBNull.Value;
                    pStart.Value = chunk.StartOffset;
                    pEnd.Value = chunk.EndOffset;
                    pTokens.Value = chunk.TokenCount;
                    pEmbedding.Value = MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
                    var rowId = (long)insertChunk.ExecuteScalar()!;
                    added.Add((rowId, vector));
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            KnowledgeBaseSchema.SetGeneration(_writeConnection, transaction, _generation + 1);
            cancellationToken.ThrowIfCancellationRequested();

            // Vectors go into the graph before the commit, outside the lock, so that searches are not held up while
            // the graph links them; they stay invisible until the arena holds their rows.
            var hnsw = Volatile.Read(ref _hnsw);
            if (hnsw is not null)
            {
                if (hnsw.Count + added.Count > hnsw.Capacity)
                {
                    // Reserving reallocates what searches walk, so it excludes them; doubling keeps it rare.
                    _lock.EnterWriteLock();
                    try
                    {
                        hnsw.Reserve(Math.Max(hnsw.Capacity * 2, hnsw.Count + added.Count));
                    }
                    finally
                    {
                        _lock.ExitWriteLock();
                    }
                }

                foreach (var (rowId, vector) in added)
                {
                    hnsw.Add(rowId, vector);
                    preAdded.Add(rowId);
                }
            }

            _lock.EnterWriteLock();
            try
            {
                transaction.Commit();
                _generation++;
                preAdded.Clear();
                ApplyToMemory(documentId, document.SourcePath, document.MediaType, removed, added);
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
        finally
        {
            foreach (var rowId in preAdded)
            {
                _hnsw?.Remove(rowId);
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
            using var transaction = _writeConnection.BeginTransaction(deferred: false);
            var existed = DocumentExists(transaction, sourcePath);
            if (!existed)
            {
                return false;
            }

            var removed = DeleteDocument(transaction, sourcePath);
            KnowledgeBaseSchema.SetGeneration(_writeConnection, transaction, _generation + 1);
            cancellationToken.ThrowIfCancellationRequested();
            _lock.EnterWriteLock();
            try
            {
                transaction.Commit();
                _generation++;
                ApplyToMemory(null, sourcePath, null, removed, []);
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            var hnsw = Volatile.Read(ref _hnsw);
            foreach (var rowId in removed)
            {
                hnsw?.Remove(rowId);
            }

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
        using var connection = OpenReadConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT d.source_path, d.media_type, d.content_hash, d.indexed_at,
                   (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id)
            FROM documents d ORDER BY d.source_path
            """;
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new KnowledgeDocumentInfo
            {
                SourcePath = reader.GetString(0),
                MediaType = reader.GetString(1),
                ContentHash = reader.GetString(2),
                IndexedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                ChunkCount = reader.GetInt32(4),
            };
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
        var useKeyword = query.Mode != SearchMode.Vector;
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
        EnsureLoaded();

        _lock.EnterReadLock();
        try
        {
            var allowed = AllowedDocuments(glob, query.MediaTypes, out var allowedChunks);
            if (allowed is { Count: 0 })
            {
                return Task.FromResult<IReadOnlyList<RetrievedPassage>>([]);
            }

            using var connection = OpenReadConnection();
            var candidates = query.Mode == SearchMode.Hybrid ? query.Top * _settings.HybridCandidateFactor : query.Top;
            List<(long Id, double Score)> ranked;
            if (query.Mode == SearchMode.Hybrid && useVector)
            {
                var vectorHits = VectorSearchLocked(vector!, candidates, allowed, allowedChunks, cancellationToken);
                var keywordHits = KeywordSearch(connection, query.Text, candidates, allowed);
                ranked = _settings.Fusion == HybridFusion.ReciprocalRank
                    ? RankFusion.Fuse(vectorHits.ConvertAll(h => h.Id), keywordHits.ConvertAll(h => h.Id))
                    : RankFusion.Convex(vectorHits, keywordHits, _settings.FusionAlpha);
            }
            else if (useVector)
            {
                ranked = VectorSearchLocked(vector!, candidates, allowed, allowedChunks, cancellationToken);
            }
            else if (useKeyword)
            {
                ranked = KeywordSearch(connection, query.Text, candidates, allowed);
            }
            else
            {
                ranked = [];
            }

            if (ranked.Count > query.Top)
            {
                ranked.RemoveRange(query.Top, ranked.Count - query.Top);
            }

            return Task.FromResult<IReadOnlyList<RetrievedPassage>>(ReadPassages(connection, ranked));
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <inheritdoc />
    public Task<KnowledgeBaseStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var connection = OpenReadConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM chunks)";
        using var reader = command.ExecuteReader();
        reader.Read();
        var size = new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm", IndexPath, IndexStampPath }
            .Select(path => new FileInfo(path))
            .Where(file => file.Exists)
            .Sum(file => file.Length);
        return Task.FromResult(new KnowledgeBaseStatistics
        {
            Documents = reader.GetInt64(0),
            Chunks = reader.GetInt64(1),
            SizeBytes = size,
            EmbeddingDimensions = _options.EmbeddingDimensions,
            EmbeddingModelId = _options.EmbeddingModelId,
            VectorIndex = UsesHnsw ? "hnsw" : "exact",
        });
    }

    /// <summary>Loads the vectors and waits until the HNSW index, when the knowledge base is large enough for one, is ready.</summary>
    internal async Task WaitForVectorIndexAsync()
    {
        EnsureLoaded();
        Task? build;
        lock (_loadGate)
        {
            build = _hnswBuild;
        }

        if (build is not null)
        {
            await build.ConfigureAwait(false);
        }
    }

    /// <summary>Runs an exact vector search, bypassing the HNSW index; for tests and benchmarks.</summary>
    internal List<(long Id, double Score)> ExactSearch(ReadOnlySpan<float> query, int top)
    {
        EnsureLoaded();
        _lock.EnterReadLock();
        try
        {
            return ToRowIds(_arena!.Search(query, top, null));
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Runs a vector search with whichever index is active; for tests and benchmarks.</summary>
    internal List<(long Id, double Score)> VectorSearch(ReadOnlySpan<float> query, int top)
    {
        EnsureLoaded();
        _lock.EnterReadLock();
        try
        {
            return VectorSearchLocked(query, top, null, 0, CancellationToken.None);
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
            build = _hnswBuild;
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
            if (_hnsw is not null && _hnswDirty)
            {
                SaveIndex(_hnsw, _generation);
            }

            _hnsw?.Dispose();
            _hnsw = null;
            using (var checkpoint = _writeConnection.CreateCommand())
            {
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                checkpoint.ExecuteNonQuery();
            }

            _writeConnection.Dispose();
            using var pooled = new SqliteConnection(_readConnectionString);
            SqliteConnection.ClearPool(pooled);
        }
        finally
        {
            _writeGate.Release();
        }

        _lock.Dispose();
    }

    private SqliteConnection OpenReadConnection()
    {
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    private bool DocumentExists(SqliteTransaction transaction, string sourcePath)
    {
        using var command = _writeConnection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT 1 FROM documents WHERE source_path = $path";
        command.Parameters.AddWithValue("$path", sourcePath);
        return command.ExecuteScalar() is not null;
    }

    private List<long> DeleteDocument(SqliteTransaction transaction, string sourcePath)
    {
        var removed = new List<long>();
        using var select = _writeConnection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = "SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.source_path = $path";
        select.Parameters.AddWithValue("$path", sourcePath);
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                removed.Add(reader.GetInt64(0));
            }
        }

        using var delete = _writeConnection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = """
            DELETE FROM chunks WHERE document_id IN (SELECT id FROM documents WHERE source_path = $path);
            DELETE FROM documents WHERE source_path = $path;
            """;
        delete.Parameters.AddWithValue("$path", sourcePath);
        delete.ExecuteNonQuery();
        return removed;
    }

    private void ApplyToMemory(long? documentId, string sourcePath, string? mediaType, List<long> removed, List<(long RowId, float[] Vector)> added)
    {
        if (_arena is null)
        {
            return;
        }

        foreach (var (id, entry) in _documents)
        {
            if (string.Equals(entry.SourcePath, sourcePath, StringComparison.Ordinal))
            {
                _documents.Remove(id);
                break;
            }
        }

        foreach (var rowId in removed)
        {
            _arena.Remove(rowId);
            _changesDuringBuild?.Add((rowId, false));
        }

        if (documentId is { } id2)
        {
            _documents[id2] = new DocumentEntry(sourcePath, mediaType!, added.Count);
            foreach (var (rowId, vector) in added)
            {
                _arena.Add(rowId, id2, vector);
                _changesDuringBuild?.Add((rowId, true));
            }
        }

        if (_hnsw is not null)
        {
            _hnswDirty = true;
        }
    }

    private void EnsureLoaded()
    {
        if (Volatile.Read(ref _arena) is not null)
        {
            return;
        }

        lock (_loadGate)
        {
            if (_arena is not null)
            {
                return;
            }

            _lock.EnterWriteLock();
            try
            {
                LoadLocked();
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }

        StartHnswBuildIfNeeded();
    }

    private void LoadLocked()
    {
        using var connection = OpenReadConnection();
        using var transaction = connection.BeginTransaction(deferred: true);
        using (var documents = connection.CreateCommand())
        {
            documents.Transaction = transaction;
            documents.CommandText = "SELECT d.id, d.source_path, d.media_type, (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) FROM documents d";
            using var reader = documents.ExecuteReader();
            while (reader.Read())
            {
                _documents[reader.GetInt64(0)] = new DocumentEntry(reader.GetString(1), reader.GetString(2), reader.GetInt32(3));
            }
        }

        var dimensions = _options.EmbeddingDimensions;
        var total = _documents.Values.Sum(entry => entry.ChunkCount);
        var arena = new VectorArena(dimensions, total + 1024);
        using (var chunks = connection.CreateCommand())
        {
            chunks.Transaction = transaction;
            chunks.CommandText = "SELECT id, document_id, embedding FROM chunks";
            using var reader = chunks.ExecuteReader();
            var buffer = new byte[dimensions * sizeof(float)];
            while (reader.Read())
            {
                var length = reader.GetBytes(2, 0, buffer, 0, buffer.Length);
                if (length != buffer.Length)
                {
                    throw new PluginException($"Chunk {reader.GetInt64(0)} in '{DatabasePath}' has a damaged embedding ({length} bytes, expected {buffer.Length}).")
                    {
                        FilePath = DatabasePath,
                        ErrorCode = "knowledge-base.damaged",
                    };
                }

                arena.Add(reader.GetInt64(0), reader.GetInt64(1), MemoryMarshal.Cast<byte, float>(buffer));
            }
        }

        if (arena.Count >= _settings.HnswThreshold)
        {
            _hnsw = TryLoadIndex(arena);
        }

        Volatile.Write(ref _arena, arena);
    }

    private HnswIndex? TryLoadIndex(VectorArena arena)
    {
        try
        {
            if (!File.Exists(IndexPath) || !File.Exists(IndexStampPath))
            {
                return null;
            }

            var stamp = JsonSerializer.Deserialize<IndexStamp>(File.ReadAllText(IndexStampPath));
            if (stamp is null || stamp.Generation != _generation || stamp.Count != arena.Count || stamp.Dimensions != arena.Dimensions)
            {
                return null;
            }

            // USearch trusts the file it loads; the hash keeps a damaged file from reaching native code.
            using (var stream = File.OpenRead(IndexPath))
            {
                if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(stream)), stamp.Sha256, StringComparison.Ordinal))
                {
                    return null;
                }
            }

            var index = HnswIndex.Load(IndexPath, arena.Dimensions, _settings.Hnsw);
            if (index.Count != arena.Count)
            {
                index.Dispose();
                return null;
            }

            return index;
        }
        catch (Exception exception) when (exception is IOException or JsonException or InvalidOperationException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void StartHnswBuildIfNeeded()
    {
        lock (_loadGate)
        {
            if (_disposed || _arena is null || _hnsw is not null || _hnswBuild is { IsCompleted: false })
            {
                return;
            }

            long[] rowIds;
            float[] vectors;
            long generation;
            _lock.EnterWriteLock();
            try
            {
                if (_arena.Count < _settings.HnswThreshold)
                {
                    return;
                }

                var count = _arena.Count;
                var dimensions = _arena.Dimensions;
                rowIds = new long[count];
                vectors = new float[(long)count * dimensions];
                for (var slot = 0; slot < count; slot++)
                {
                    rowIds[slot] = _arena.RowIdAt(slot);
                    _arena.VectorAt(slot).CopyTo(vectors.AsSpan(slot * dimensions, dimensions));
                }

                generation = _generation;
                _changesDuringBuild = [];
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            _hnswBuild = Task.Run(() => BuildIndex(rowIds, vectors, generation));
        }
    }

    private void BuildIndex(long[] rowIds, float[] vectors, long generation)
    {
        var dimensions = _options.EmbeddingDimensions;
        var index = HnswIndex.Create(dimensions, _settings.Hnsw, rowIds.Length + 1024);
        try
        {
            Parallel.For(0, rowIds.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
                index.Add(rowIds[i], vectors.AsSpan(i * dimensions, dimensions)));

            _lock.EnterWriteLock();
            try
            {
                foreach (var (rowId, added) in _changesDuringBuild!)
                {
                    if (!added)
                    {
                        index.Remove(rowId);
                    }
                    else if (_arena!.TryGetSlot(rowId, out var slot))
                    {
                        if (index.Count + 1 > index.Capacity)
                        {
                            index.Reserve(index.Capacity * 2);
                        }

                        index.Add(rowId, _arena.VectorAt(slot));
                    }
                }

                var changed = _changesDuringBuild.Count > 0;
                _changesDuringBuild = null;
                Volatile.Write(ref _hnsw, index);
                _hnswDirty = changed;
                if (changed)
                {
                    return;
                }
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            _writeGate.Wait();
            try
            {
                if (!_hnswDirty && _generation == generation)
                {
                    SaveIndex(index, generation);
                }
            }
            finally
            {
                _writeGate.Release();
            }
        }
        catch
        {
            if (!ReferenceEquals(Volatile.Read(ref _hnsw), index))
            {
                index.Dispose();
            }

            throw;
        }
    }

    private void SaveIndex(HnswIndex index, long generation)
    {
        // The stamp goes first and last: without it the index file is never trusted, so a crash between the two
        // writes leaves an index that the next open rebuilds, never one that disagrees with the database.
        File.Delete(IndexStampPath);
        var temporary = IndexPath + ".tmp";
        index.Save(temporary);
        File.Move(temporary, IndexPath, overwrite: true);
        string hash;
        using (var stream = File.OpenRead(IndexPath))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        var stamp = new IndexStamp(generation, index.Count, index.Dimensions, hash);
        File.WriteAllText(IndexStampPath + ".tmp", JsonSerializer.Serialize(stamp));
        File.Move(IndexStampPath + ".tmp", IndexStampPath, overwrite: true);
        _hnswDirty = false;
    }

    private HashSet<long>? AllowedDocuments(PathGlob? glob, IReadOnlyList<string>? mediaTypes, out long allowedChunks)
    {
        allowedChunks = 0;
        var hasMediaTypes = mediaTypes is { Count: > 0 };
        if (glob is null && !hasMediaTypes)
        {
            return null;
        }

        var media = hasMediaTypes ? new HashSet<string>(mediaTypes!, StringComparer.OrdinalIgnoreCase) : null;
        var allowed = new HashSet<long>();
        foreach (var (id, entry) in _documents)
        {
            if ((media is null || media.Contains(entry.MediaType)) && (glob is null || glob.IsMatch(entry.SourcePath)))
            {
                allowed.Add(id);
                allowedChunks += entry.ChunkCount;
            }
        }

        return allowed;
    }

    private List<(long Id, double Score)> VectorSearchLocked(ReadOnlySpan<float> query, int top, HashSet<long>? allowed, long allowedChunks, CancellationToken cancellationToken)
    {
        var arena = _arena!;
        var hnsw = _hnsw;
        var available = allowed is null ? arena.Count : allowedChunks;

        // A selective filter leaves few vectors: scanning them exactly is cheaper and surer than walking the graph
        // around everything the filter rejects.
        if (hnsw is not null && (allowed is null || allowedChunks * 10 >= arena.Count))
        {
            var want = (int)Math.Min(top, available);
            var extra = allowed is null ? 16 : 0;
            var keys = new long[want + extra];
            var scores = new float[want + extra];
            Func<long, bool>? filter = allowed is null
                ? null
                : rowId => arena.TryGetSlot(rowId, out var slot) && allowed.Contains(arena.DocumentIdAt(slot));
            var found = hnsw.Search(query, keys, scores, filter);
            var result = new List<(long Id, double Score)>(want);
            for (var i = 0; i < found && result.Count < want; i++)
            {
                // Rows added to the graph by a writer that has not committed yet are not in the arena.
                if (arena.TryGetSlot(keys[i], out _))
                {
                    result.Add((keys[i], scores[i]));
                }
            }

            if (result.Count >= want)
            {
                return result;
            }
        }

        return ToRowIds(arena.Search(query, top, allowed, cancellationToken));
    }

    private List<(long Id, double Score)> ToRowIds((float Score, int Slot)[] hits)
    {
        var result = new List<(long Id, double Score)>(hits.Length);
        foreach (var (score, slot) in hits)
        {
            result.Add((_arena!.RowIdAt(slot), score));
        }

        return result;
    }

    private static List<(long Id, double Score)> KeywordSearch(SqliteConnection connection, string? text, int top, HashSet<long>? allowed)
    {
        var match = FtsQuery.Build(text);
        var result = new List<(long Id, double Score)>();
        if (match is null)
        {
            return result;
        }

        using var command = connection.CreateCommand();
        command.CommandText = allowed is null
            ? "SELECT rowid, bm25(chunks_fts, 1.0, 2.0) FROM chunks_fts WHERE chunks_fts MATCH $match ORDER BY bm25(chunks_fts, 1.0, 2.0) LIMIT $top"
            : """
              SELECT f.rowid, bm25(chunks_fts, 1.0, 2.0) FROM chunks_fts f JOIN chunks c ON c.id = f.rowid
              WHERE chunks_fts MATCH $match AND c.document_id IN (SELECT value FROM json_each($documents))
              ORDER BY bm25(chunks_fts, 1.0, 2.0) LIMIT $top
              """;
        command.Parameters.AddWithValue("$match", match);
        command.Parameters.AddWithValue("$top", top);
        if (allowed is not null)
        {
            command.Parameters.AddWithValue("$documents", JsonSerializer.Serialize(allowed));
        }

        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            // FTS5's bm25() is negative, lower is better; the contract wants higher is better.
            result.Add((reader.GetInt64(0), -reader.GetDouble(1)));
        }

        return result;
    }

    private static List<RetrievedPassage> ReadPassages(SqliteConnection connection, List<(long Id, double Score)> ranked)
    {
        if (ranked.Count == 0)
        {
            return [];
        }

        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c.id, c.chunk_index, c.text, c.page, c.section, c.start_offset, c.end_offset, d.source_path, d.media_type
            FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE c.id IN (SELECT value FROM json_each($ids))
            """;
        command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ranked.ConvertAll(r => r.Id)));
        var rows = new Dictionary<long, Func<double, RetrievedPassage>>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var chunkIndex = reader.GetInt32(1);
                var text = reader.GetString(2);
                int? page = reader.IsDBNull(3) ? null : reader.GetInt32(3);
                var section = reader.IsDBNull(4) ? null : reader.GetString(4);
                var start = reader.GetInt32(5);
                var end = reader.GetInt32(6);
                var path = reader.GetString(7);
                var media = reader.GetString(8);
                rows[reader.GetInt64(0)] = score => new RetrievedPassage
                {
                    SourcePath = path,
                    Text = text,
                    Score = score,
                    ChunkIndex = chunkIndex,
                    MediaType = media,
                    Page = page,
                    Section = section,
                    StartOffset = start,
                    EndOffset = end,
                };
            }
        }

        var passages = new List<RetrievedPassage>(ranked.Count);
        foreach (var (id, score) in ranked)
        {
            if (rows.TryGetValue(id, out var create))
            {
                passages.Add(create(score));
            }
        }

        return passages;
    }

    private sealed record DocumentEntry(string SourcePath, string MediaType, int ChunkCount);

    private sealed record IndexStamp(long Generation, long Count, int Dimensions, string Sha256);
}
