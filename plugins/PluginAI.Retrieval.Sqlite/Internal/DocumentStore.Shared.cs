using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using PluginAI.Processing;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>The statements on claims and on documents written in parts (<see cref="ISharedKnowledgeBase"/>).</summary>
internal sealed partial class DocumentStore
{
    /// <summary>Claims a document for <paramref name="holder"/> unless the same content is stored or a live holder has it.</summary>
    public DocumentClaim Claim(SqliteTransaction transaction, string sourcePath, string contentHash, ClaimHolder holder, DateTimeOffset now, TimeSpan lease)
    {
        using (var stored = _writeConnection.CreateCommand())
        {
            stored.Transaction = transaction;
            stored.CommandText = "SELECT 1 FROM documents WHERE source_path = $path AND content_hash = $hash";
            stored.Parameters.AddWithValue("$path", sourcePath);
            stored.Parameters.AddWithValue("$hash", contentHash);
            if (stored.ExecuteScalar() is not null)
            {
                // The content is stored; parts left from an older version of the file are of no use any more.
                using var clean = _writeConnection.CreateCommand();
                clean.Transaction = transaction;
                clean.CommandText = """
                    DELETE FROM claims WHERE source_path = $path AND holder = $holder;
                    DELETE FROM partial_chunks WHERE source_path = $path;
                    DELETE FROM partial_documents WHERE source_path = $path;
                    """;
                clean.Parameters.AddWithValue("$path", sourcePath);
                clean.Parameters.AddWithValue("$holder", holder.Id);
                clean.ExecuteNonQuery();
                return new DocumentClaim(DocumentClaimStatus.AlreadyStored);
            }
        }

        using (var read = _writeConnection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT holder, host, pid, pid_started, expires_at FROM claims WHERE source_path = $path";
            read.Parameters.AddWithValue("$path", sourcePath);
            using var reader = read.ExecuteReader();
            if (reader.Read())
            {
                var other = new ClaimHolder(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3));
                var expiresAt = reader.GetInt64(4);
                if (other.Id != holder.Id && expiresAt > now.ToUnixTimeMilliseconds() && other.IsAlive(holder.Host))
                {
                    return new DocumentClaim(DocumentClaimStatus.HeldElsewhere, $"process {other.ProcessId} on {other.Host}");
                }
            }
        }

        using var upsert = _writeConnection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO claims(source_path, content_hash, holder, host, pid, pid_started, expires_at)
            VALUES ($path, $hash, $holder, $host, $pid, $started, $expires)
            ON CONFLICT(source_path) DO UPDATE SET content_hash = excluded.content_hash, holder = excluded.holder, host = excluded.host,
                pid = excluded.pid, pid_started = excluded.pid_started, expires_at = excluded.expires_at
            """;
        upsert.Parameters.AddWithValue("$path", sourcePath);
        upsert.Parameters.AddWithValue("$hash", contentHash);
        upsert.Parameters.AddWithValue("$holder", holder.Id);
        upsert.Parameters.AddWithValue("$host", holder.Host);
        upsert.Parameters.AddWithValue("$pid", holder.ProcessId);
        upsert.Parameters.AddWithValue("$started", holder.ProcessStarted);
        upsert.Parameters.AddWithValue("$expires", (now + lease).ToUnixTimeMilliseconds());
        upsert.ExecuteNonQuery();
        return new DocumentClaim(DocumentClaimStatus.Claimed);
    }

    /// <summary>Ends <paramref name="holder"/>'s claim on one document.</summary>
    public void ReleaseClaim(SqliteTransaction transaction, string sourcePath, ClaimHolder holder)
    {
        using var command = _writeConnection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM claims WHERE source_path = $path AND holder = $holder";
        command.Parameters.AddWithValue("$path", sourcePath);
        command.Parameters.AddWithValue("$holder", holder.Id);
        command.ExecuteNonQuery();
    }

    /// <summary>Extends or ends every claim of <paramref name="holder"/>, on a connection of its own so that it never waits for a writer of this process.</summary>
    /// <param name="holder">The holder.</param>
    /// <param name="expiresAt">The new expiry, or <see langword="null"/> to end the claims.</param>
    public void UpdateClaims(ClaimHolder holder, DateTimeOffset? expiresAt)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = expiresAt is null
            ? "PRAGMA busy_timeout = 5000; DELETE FROM claims WHERE holder = $holder"
            : "PRAGMA busy_timeout = 5000; UPDATE claims SET expires_at = $expires WHERE holder = $holder";
        command.Parameters.AddWithValue("$holder", holder.Id);
        command.Parameters.AddWithValue("$expires", expiresAt?.ToUnixTimeMilliseconds() ?? 0);
        command.ExecuteNonQuery();
    }

    /// <summary>Starts or resumes a document written in parts; returns the number of chunks already kept for this content.</summary>
    public int BeginPartial(SqliteTransaction transaction, DocumentContent document, string contentHash)
    {
        using (var read = _writeConnection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = """
                SELECT (SELECT content_hash FROM partial_documents WHERE source_path = $path),
                       (SELECT COUNT(*) FROM partial_chunks WHERE source_path = $path),
                       (SELECT MAX(chunk_index) FROM partial_chunks WHERE source_path = $path)
                """;
            read.Parameters.AddWithValue("$path", document.SourcePath);
            using var reader = read.ExecuteReader();
            reader.Read();
            if (!reader.IsDBNull(0) && string.Equals(reader.GetString(0), contentHash, StringComparison.Ordinal))
            {
                var count = reader.GetInt32(1);

                // Batches are appended in order, one transaction each, so the kept chunks are always 0..count-1.
                if (count == 0 || (!reader.IsDBNull(2) && reader.GetInt32(2) == count - 1))
                {
                    return count;
                }
            }
        }

        using var reset = _writeConnection.CreateCommand();
        reset.Transaction = transaction;
        reset.CommandText = """
            DELETE FROM partial_chunks WHERE source_path = $path;
            INSERT INTO partial_documents(source_path, media_type, content_hash, title, last_modified, started_at)
            VALUES ($path, $media, $hash, $title, $modified, $started)
            ON CONFLICT(source_path) DO UPDATE SET media_type = excluded.media_type, content_hash = excluded.content_hash,
                title = excluded.title, last_modified = excluded.last_modified, started_at = excluded.started_at;
            """;
        reset.Parameters.AddWithValue("$path", document.SourcePath);
        reset.Parameters.AddWithValue("$media", document.MediaType);
        reset.Parameters.AddWithValue("$hash", contentHash);
        reset.Parameters.AddWithValue("$title", (object?)document.Title ?? DBNull.Value);
        reset.Parameters.AddWithValue("$modified", document.LastModified.ToUnixTimeMilliseconds());
        reset.Parameters.AddWithValue("$started", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        reset.ExecuteNonQuery();
        return 0;
    }

    /// <summary>Keeps the next chunks of a document begun with <see cref="BeginPartial"/>.</summary>
    public void AppendPartial(SqliteTransaction transaction, string sourcePath, string contentHash, IReadOnlyList<DocumentChunk> chunks, CancellationToken cancellationToken)
    {
        var next = PartialChunkCount(transaction, sourcePath, contentHash);
        using var insert = new ChunkInsert(_writeConnection, transaction, """
            INSERT INTO partial_chunks(source_path, chunk_index, text, page, section, start_offset, end_offset, token_count, embedding)
            VALUES ($owner, $index, $text, $page, $section, $start, $end, $tokens, $embedding)
            """, sourcePath);
        foreach (var chunk in chunks)
        {
            if (chunk.Index != next)
            {
                throw new PluginException($"Chunk {chunk.Index} of '{sourcePath}' is out of order; the next part of the document is chunk {next}.")
                {
                    FilePath = sourcePath,
                    ErrorCode = "knowledge-base.partial-order",
                };
            }

            insert.Insert(chunk, CheckedVector(sourcePath, chunk));
            next++;
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Moves a document's parts into the stored documents, replacing the stored version, and ends the claim on it.</summary>
    /// <returns>The new document's row id, the number of its chunks, and the row ids of the replaced version's chunks.</returns>
    public (long DocumentId, int Chunks, List<long> Removed) CompletePartial(SqliteTransaction transaction, string sourcePath, string contentHash, ClaimHolder holder)
    {
        var count = PartialChunkCount(transaction, sourcePath, contentHash);
        var removed = DeleteDocument(transaction, sourcePath);
        long documentId;
        using (var insert = _writeConnection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO documents(source_path, media_type, content_hash, title, last_modified, indexed_at)
                SELECT source_path, media_type, content_hash, title, last_modified, $indexed FROM partial_documents WHERE source_path = $path
                RETURNING id
                """;
            insert.Parameters.AddWithValue("$path", sourcePath);
            insert.Parameters.AddWithValue("$indexed", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            documentId = (long)insert.ExecuteScalar()!;
        }

        using var move = _writeConnection.CreateCommand();
        move.Transaction = transaction;
        move.CommandText = """
            INSERT INTO chunks(document_id, chunk_index, text, page, section, start_offset, end_offset, token_count, embedding)
            SELECT $document, chunk_index, text, page, section, start_offset, end_offset, token_count, embedding
            FROM partial_chunks WHERE source_path = $path ORDER BY chunk_index;
            DELETE FROM partial_chunks WHERE source_path = $path;
            DELETE FROM partial_documents WHERE source_path = $path;
            DELETE FROM claims WHERE source_path = $path AND holder = $holder;
            """;
        move.Parameters.AddWithValue("$document", documentId);
        move.Parameters.AddWithValue("$path", sourcePath);
        move.Parameters.AddWithValue("$holder", holder.Id);
        move.ExecuteNonQuery();
        return (documentId, count, removed);
    }

    /// <summary>Reads the row ids and vectors of a document's chunks, inside the write transaction.</summary>
    public List<(long RowId, float[] Vector)> ReadVectors(SqliteTransaction transaction, long documentId)
    {
        var vectors = new List<(long RowId, float[] Vector)>();
        using var command = _writeConnection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id, embedding FROM chunks WHERE document_id = $document ORDER BY id";
        command.Parameters.AddWithValue("$document", documentId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var vector = new float[_options.EmbeddingDimensions];
            var bytes = (byte[])reader.GetValue(1);
            if (bytes.Length != vector.Length * sizeof(float))
            {
                throw new PluginException($"Chunk {reader.GetInt64(0)} in '{DatabasePath}' has a damaged embedding ({bytes.Length} bytes, expected {vector.Length * sizeof(float)}).")
                {
                    FilePath = DatabasePath,
                    ErrorCode = "knowledge-base.damaged",
                };
            }

            MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).CopyTo(vector);
            vectors.Add((reader.GetInt64(0), vector));
        }

        return vectors;
    }

    /// <summary>Reads a stored document's media type inside the write transaction.</summary>
    public string MediaTypeOf(SqliteTransaction transaction, long documentId)
    {
        using var command = _writeConnection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT media_type FROM documents WHERE id = $id";
        command.Parameters.AddWithValue("$id", documentId);
        return (string)command.ExecuteScalar()!;
    }

    /// <summary>Removes the parts kept for a document, if any.</summary>
    public void DeletePartial(SqliteTransaction transaction, string sourcePath)
    {
        using var command = _writeConnection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM partial_chunks WHERE source_path = $path; DELETE FROM partial_documents WHERE source_path = $path;";
        command.Parameters.AddWithValue("$path", sourcePath);
        command.ExecuteNonQuery();
    }

    private int PartialChunkCount(SqliteTransaction transaction, string sourcePath, string contentHash)
    {
        using var command = _writeConnection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT (SELECT content_hash FROM partial_documents WHERE source_path = $path),
                   (SELECT COUNT(*) FROM partial_chunks WHERE source_path = $path)
            """;
        command.Parameters.AddWithValue("$path", sourcePath);
        using var reader = command.ExecuteReader();
        reader.Read();
        if (reader.IsDBNull(0) || !string.Equals(reader.GetString(0), contentHash, StringComparison.Ordinal))
        {
            throw new PluginException($"No part of '{sourcePath}' with content {contentHash} is being written in knowledge base '{_options.Name}'; begin the document first.")
            {
                FilePath = sourcePath,
                ErrorCode = "knowledge-base.partial-missing",
            };
        }

        return reader.GetInt32(1);
    }

    private float[] CheckedVector(string sourcePath, DocumentChunk chunk)
    {
        var dimensions = _options.EmbeddingDimensions;
        if (chunk.Embedding.Length != dimensions)
        {
            throw new PluginException(
                chunk.Embedding.IsEmpty
                    ? $"Chunk {chunk.Index} of '{sourcePath}' has no embedding; embed the chunks before storing them in knowledge base '{_options.Name}'."
                    : $"Chunk {chunk.Index} of '{sourcePath}' has an embedding of {chunk.Embedding.Length} dimensions; knowledge base '{_options.Name}' stores {dimensions} ({_options.EmbeddingModelId}).")
            {
                FilePath = sourcePath,
                ErrorCode = "knowledge-base.bad-embedding",
            };
        }

        var vector = chunk.Embedding.ToArray();
        VectorArena.Normalize(vector);
        return vector;
    }
}

/// <summary>One prepared insert of chunk rows, into <c>chunks</c> (owned by a document id) or <c>partial_chunks</c> (owned by a source path).</summary>
internal sealed class ChunkInsert : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter _index;
    private readonly SqliteParameter _text;
    private readonly SqliteParameter _page;
    private readonly SqliteParameter _section;
    private readonly SqliteParameter _start;
    private readonly SqliteParameter _end;
    private readonly SqliteParameter _tokens;
    private readonly SqliteParameter _embedding;

    public ChunkInsert(SqliteConnection connection, SqliteTransaction transaction, string sql, object owner)
    {
        _command = connection.CreateCommand();
        _command.Transaction = transaction;
        _command.CommandText = sql;
        _command.Parameters.AddWithValue("$owner", owner);
        _index = _command.Parameters.Add("$index", SqliteType.Integer);
        _text = _command.Parameters.Add("$text", SqliteType.Text);
        _page = _command.Parameters.Add("$page", SqliteType.Integer);
        _section = _command.Parameters.Add("$section", SqliteType.Text);
        _start = _command.Parameters.Add("$start", SqliteType.Integer);
        _end = _command.Parameters.Add("$end", SqliteType.Integer);
        _tokens = _command.Parameters.Add("$tokens", SqliteType.Integer);
        _embedding = _command.Parameters.Add("$embedding", SqliteType.Blob);
    }

    /// <summary>Inserts one chunk with its normalised vector; returns the row id when the statement returns one, else 0.</summary>
    public long Insert(DocumentChunk chunk, float[] vector)
    {
        _index.Value = chunk.Index;
        _text.Value = chunk.Text ?? string.Empty;
        _page.Value = (object?)chunk.Page ?? DBNull.Value;
        _section.Value = (object?)chunk.Section ?? DBNull.Value;
        _start.Value = chunk.StartOffset;
        _end.Value = chunk.EndOffset;
        _tokens.Value = chunk.TokenCount;
        _embedding.Value = MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
        return _command.ExecuteScalar() is long rowId ? rowId : 0;
    }

    public void Dispose() => _command.Dispose();
}

/// <summary>Who holds a claim: one open knowledge base, in one process on one host.</summary>
/// <param name="Id">A random id of the open knowledge base.</param>
/// <param name="Host">The machine name.</param>
/// <param name="ProcessId">The process id.</param>
/// <param name="ProcessStarted">When the process started (Unix milliseconds), so that a reused process id is not taken for the holder.</param>
internal sealed record ClaimHolder(string Id, string Host, int ProcessId, long ProcessStarted)
{
    /// <summary>Creates the holder that stands for this process.</summary>
    public static ClaimHolder ForThisProcess()
    {
        using var process = Process.GetCurrentProcess();
        return new ClaimHolder(Guid.NewGuid().ToString("N"), Environment.MachineName, process.Id, StartedAt(process));
    }

    /// <summary>Returns whether the holder's process still runs; a holder on another host is taken to be alive until its claim expires.</summary>
    public bool IsAlive(string thisHost)
    {
        if (!string.Equals(Host, thisHost, StringComparison.Ordinal))
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return !process.HasExited && Math.Abs(StartedAt(process) - ProcessStarted) < 2000;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (Win32Exception)
        {
            return true;
        }
    }

    private static long StartedAt(Process process) => new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero).ToUnixTimeMilliseconds();
}
