using Microsoft.Data.Sqlite;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>Creates the tables of a knowledge base database and checks that it belongs to the expected embedding model.</summary>
internal static class KnowledgeBaseSchema
{
    /// <summary>The schema version written by this build.</summary>
    /// <remarks>Version 2 stems the keyword index with the Porter stemmer; a version 1 database is re-indexed on open.</remarks>
    public const int Version = 2;

    private const string StemmedKeywordIndexSql = """
        DROP TABLE IF EXISTS chunks_fts;
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            text, section, content = 'chunks', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2');
        INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');
        """;

    private const string CreateSql = """
        CREATE TABLE IF NOT EXISTS metadata (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS documents (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            source_path   TEXT NOT NULL UNIQUE,
            media_type    TEXT NOT NULL,
            content_hash  TEXT NOT NULL,
            title         TEXT,
            last_modified INTEGER NOT NULL,
            indexed_at    INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS chunks (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            chunk_index  INTEGER NOT NULL,
            text         TEXT NOT NULL,
            page         INTEGER,
            section      TEXT,
            start_offset INTEGER NOT NULL,
            end_offset   INTEGER NOT NULL,
            token_count  INTEGER NOT NULL,
            embedding    BLOB NOT NULL
        );

        CREATE INDEX IF NOT EXISTS chunks_document ON chunks(document_id);

        CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
            text, section, content = 'chunks', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2');

        CREATE TRIGGER IF NOT EXISTS chunks_fts_insert AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, text, section) VALUES (new.id, new.text, new.section);
        END;
        CREATE TRIGGER IF NOT EXISTS chunks_fts_delete AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text, section) VALUES ('delete', old.id, old.text, old.section);
        END;
        CREATE TRIGGER IF NOT EXISTS chunks_fts_update AFTER UPDATE OF text, section ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text, section) VALUES ('delete', old.id, old.text, old.section);
            INSERT INTO chunks_fts(rowid, text, section) VALUES (new.id, new.text, new.section);
        END;

        CREATE TABLE IF NOT EXISTS claims (
            source_path  TEXT PRIMARY KEY,
            content_hash TEXT NOT NULL,
            holder       TEXT NOT NULL,
            host         TEXT NOT NULL,
            pid          INTEGER NOT NULL,
            pid_started  INTEGER NOT NULL,
            expires_at   INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS partial_documents (
            source_path   TEXT PRIMARY KEY,
            media_type    TEXT NOT NULL,
            content_hash  TEXT NOT NULL,
            title         TEXT,
            last_modified INTEGER NOT NULL,
            started_at    INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS partial_chunks (
            source_path  TEXT NOT NULL,
            chunk_index  INTEGER NOT NULL,
            text         TEXT NOT NULL,
            page         INTEGER,
            section      TEXT,
            start_offset INTEGER NOT NULL,
            end_offset   INTEGER NOT NULL,
            token_count  INTEGER NOT NULL,
            embedding    BLOB NOT NULL,
            UNIQUE (source_path, chunk_index)
        );
        """;

    /// <summary>
    /// Creates the schema when missing, records the embedding model of a new database, and refuses a database written
    /// for another model, dimension or a newer schema. Returns the write generation.
    /// </summary>
    public static long Initialize(SqliteConnection connection, string databasePath, string embeddingModelId, int dimensions)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, CreateSql);

        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT key, value FROM metadata";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                stored[reader.GetString(0)] = reader.GetString(1);
            }
        }

        if (stored.Count == 0)
        {
            SetValue(connection, transaction, "schema_version", Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            SetValue(connection, transaction, "embedding_model_id", embeddingModelId);
            SetValue(connection, transaction, "embedding_dimensions", dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture));
            SetValue(connection, transaction, "generation", "0");
            transaction.Commit();
            return 0;
        }

        var schemaVersion = int.Parse(stored.GetValueOrDefault("schema_version", "0"), System.Globalization.CultureInfo.InvariantCulture);
        if (schemaVersion > Version)
        {
            throw new PluginException(
                $"The knowledge base '{databasePath}' has schema version {schemaVersion}, newer than this retriever understands ({Version}). Update the PluginAI.Retrieval.Sqlite plugin.")
            {
                FilePath = databasePath,
                ErrorCode = "knowledge-base.schema-too-new",
            };
        }

        if (schemaVersion < 2)
        {
            // The keyword index is derived from the chunks, so it is rebuilt with the stemmer in the same transaction.
            Execute(connection, transaction, StemmedKeywordIndexSql);
            SetValue(connection, transaction, "schema_version", Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var storedModel = stored.GetValueOrDefault("embedding_model_id", string.Empty);
        var storedDimensions = int.Parse(stored.GetValueOrDefault("embedding_dimensions", "0"), System.Globalization.CultureInfo.InvariantCulture);
        if (!string.Equals(storedModel, embeddingModelId, StringComparison.Ordinal) || storedDimensions != dimensions)
        {
            throw new PluginException(
                $"The knowledge base '{databasePath}' was built with embedding model '{storedModel}' ({storedDimensions} dimensions), " +
                $"but it was opened with '{embeddingModelId}' ({dimensions} dimensions). Open it with the model it was built with, " +
                "or re-index the documents into a new knowledge base.")
            {
                FilePath = databasePath,
                ErrorCode = "knowledge-base.embedding-mismatch",
            };
        }

        transaction.Commit();
        return long.Parse(stored.GetValueOrDefault("generation", "0"), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the write generation, inside the caller's transaction when one is given.</summary>
    public static long ReadGeneration(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM metadata WHERE key = 'generation'";
        return command.ExecuteScalar() is string value ? long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Stores the write generation inside the caller's transaction.</summary>
    public static void SetGeneration(SqliteConnection connection, SqliteTransaction transaction, long generation) =>
        SetValue(connection, transaction, "generation", generation.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static void SetValue(SqliteConnection connection, SqliteTransaction transaction, string key, string value)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO metadata(key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
