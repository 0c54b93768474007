using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>Ranks chunks by BM25 over the FTS5 table, optionally within a set of documents.</summary>
internal static class KeywordSearch
{
    /// <summary>Finds the chunks that best match the words of <paramref name="text"/>.</summary>
    /// <param name="connection">A read connection.</param>
    /// <param name="text">The query text; without a word, nothing is found.</param>
    /// <param name="top">The number of chunks to return.</param>
    /// <param name="allowed">The documents to search, or <see langword="null"/> for all.</param>
    /// <returns>The chunk ids, best first, with scores where higher is better.</returns>
    public static List<(long Id, double Score)> Search(SqliteConnection connection, string? text, int top, HashSet<long>? allowed)
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
}
