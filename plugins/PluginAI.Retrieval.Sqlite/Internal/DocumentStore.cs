using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using PluginAI.Processing;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>The SQLite file of a knowledge base: its one write connection, pooled read-only connections, and every statement on documents and chunks.</summary>
/// <remarks>
/// The write methods take the caller's transaction on the write connection; the caller serialises writers. Read
/// methods open their own pooled read-only connection or use the one they are given, so they run beside a writer (WAL).
/// </remarks>
internal sealed partial class DocumentStore : IDisposable
{
    private readonly KnowledgeBaseOptions _options;
    private readonly string _readConnectionString;
    private readonly SqliteConnection _writeConnection;

    private DocumentStore(KnowledgeBaseOptions options, string databasePath, SqliteConnection writeConnection, long generation)
    {
        _options = options;
        DatabasePath = databasePath;
        _writeConnection = writeConnection;
        OpenedGeneration = generation;
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
        }.ToString();
    }

    /// <summary>Gets the path of the SQLite database.</summary>
    public string DatabasePath { get; }

    /// <summary>Gets the generation the database had when it was opened; every committed change adds one.</summary>
    public long OpenedGeneration { get; }

    /// <summary>Opens or creates the database of the knowledge base described by <paramref name="options"/>.</summary>
    public static DocumentStore Open(KnowledgeBaseOptions options)
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
                pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 60000;";
                pragma.ExecuteNonQuery();
            }

            var generation = KnowledgeBaseSchema.Initialize(connection, databasePath, options.EmbeddingModelId, options.EmbeddingDimensions);
            return new DocumentStore(options, databasePath, connection, generation);
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

    /// <summary>Starts a write transaction that takes the database's write lock at once.</summary>
    public SqliteTransaction BeginWrite() => _writeConnection.BeginTransaction(deferred: false);

    /// <summary>Opens a pooled read-only connection.</summary>
    public SqliteConnection OpenReadConnection()
    {
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Returns whether a document with this source path is stored.</summary>
    public bool DocumentExists(SqliteTransaction transaction, string sourcePath)
    {
        using var command = _writeConnection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT 1 FROM documents WHERE source_path = $path";
        command.Parameters.AddWithValue("$path", sourcePath);
        return command.ExecuteScalar() is not null;
    }

    /// <summary>Deletes a document and its chunks.</summary>
    /// <returns>The row ids of the deleted chunks.</returns>
    public List<long> DeleteDocument(SqliteTransaction transaction, string sourcePath)
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

    /// <summary>Inserts a document and its chunks, with each embedding normalised.</summary>
    /// <param name="transaction">The write transaction.</param>
    /// <param name="document">The document, whose chunks carry embeddings of the knowledge base's dimensions.</param>
    /// <param name="added">Receives the row id and normalised vector of each chunk.</param>
    /// <param name="cancellationToken">Checked after each chunk.</param>
    /// <returns>The document's row id.</returns>
    public long InsertDocument(SqliteTransaction transaction, DocumentContent document, List<(long RowId, float[] Vector)> added, CancellationToken cancellationToken)
    {
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

        using var insertChunk = new ChunkInsert(_writeConnection, transaction, """
            INSERT INTO chunks(document_id, chunk_index, text, page, section, start_offset, end_offset, token_count, embedding)
            VALUES ($owner, $index, $text, $page, $section, $start, $end, $tokens, $embedding) RETURNING id
            """, documentId);
        foreach (var chunk in document.Chunks)
        {
            var vector = CheckedVector(document.SourcePath, chunk);
            added.Add((insertChunk.Insert(chunk, vector), vector));
            cancellationToken.ThrowIfCancellationRequested();
        }

        return documentId;
    }

    /// <summary>Reads the generation inside a write transaction.</summary>
    public long ReadGeneration(SqliteTransaction transaction) => KnowledgeBaseSchema.ReadGeneration(_writeConnection, transaction);

    /// <summary>Reads the latest committed generation, which another process may have advanced.</summary>
    public long ReadCommittedGeneration()
    {
        using var connection = OpenReadConnection();
        return KnowledgeBaseSchema.ReadGeneration(connection, null);
    }

    /// <summary>Records the generation a transaction commits.</summary>
    public void SetGeneration(SqliteTransaction transaction, long generation) => KnowledgeBaseSchema.SetGeneration(_writeConnection, transaction, generation);

    /// <summary>Lists the stored documents by source path.</summary>
    public async IAsyncEnumerable<KnowledgeDocumentInfo> ListDocumentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
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

    /// <summary>Counts the stored documents and chunks.</summary>
    public (long Documents, long Chunks) Count()
    {
        using var connection = OpenReadConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM chunks)";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Reads every document and chunk vector, in one read transaction, into a new cache, with the generation they belong to.</summary>
    public (VectorCache Cache, long Generation) LoadVectors()
    {
        using var connection = OpenReadConnection();
        using var transaction = connection.BeginTransaction(deferred: true);
        var generation = KnowledgeBaseSchema.ReadGeneration(connection, transaction);
        var documents = new Dictionary<long, DocumentEntry>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT d.id, d.source_path, d.media_type, (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) FROM documents d";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                documents[reader.GetInt64(0)] = new DocumentEntry(reader.GetString(1), reader.GetString(2), reader.GetInt32(3));
            }
        }

        var dimensions = _options.EmbeddingDimensions;
        var total = documents.Values.Sum(entry => entry.ChunkCount);
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

        return (new VectorCache(documents, arena), generation);
    }

    /// <summary>Reads the passages of ranked chunks, in rank order; chunks deleted since ranking are left out.</summary>
    public static List<RetrievedPassage> ReadPassages(SqliteConnection connection, List<(long Id, double Score)> ranked)
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

    /// <summary>Folds the WAL into the database file and closes every connection, so the folder can be copied or deleted.</summary>
    public void Dispose()
    {
        using (var checkpoint = _writeConnection.CreateCommand())
        {
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }

        _writeConnection.Dispose();
        using var pooled = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(pooled);
    }
}
