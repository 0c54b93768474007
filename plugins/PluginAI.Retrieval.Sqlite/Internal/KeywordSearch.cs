using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>Ranks chunks by BM25 over the FTS5 table, optionally within a set of documents.</summary>
internal static class KeywordSearch
{
    // FTS5's bm25() uses k1 = 1.2 and b = 0.75.
    private const double K1 = 1.2;

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

        Read(command, result);
        return result;
    }

    /// <summary>Scores the given chunks against the words of <paramref name="text"/>, as <see cref="Search"/> would.</summary>
    /// <returns>The scores of the chunks that match at least one word; the others are left out (they score 0).</returns>
    public static List<(long Id, double Score)> Score(SqliteConnection connection, string? text, IReadOnlyCollection<long> ids)
    {
        var match = FtsQuery.Build(text);
        var result = new List<(long Id, double Score)>();
        if (match is null || ids.Count == 0)
        {
            return result;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid, bm25(chunks_fts, 1.0, 2.0) FROM chunks_fts WHERE chunks_fts MATCH $match AND rowid IN (SELECT value FROM json_each($ids))";
        command.Parameters.AddWithValue("$match", match);
        command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ids));
        Read(command, result);
        return result;
    }

    /// <summary>
    /// The BM25 score that no chunk can reach for this query: the sum over its words that occur in the knowledge base
    /// of <c>idf × (k1 + 1)</c>, the limit of a word's BM25 term as its frequency grows. A chunk's score divided by it
    /// says how much of the query's evidence the chunk holds, so a match on a few common words stays weak whatever the
    /// other chunks score.
    /// </summary>
    /// <returns>The ceiling, or 0 when no word of the query occurs.</returns>
    /// <param name="connection">A read connection.</param>
    /// <param name="text">The query text.</param>
    /// <param name="rows">The number of chunks in the knowledge base, which the caller already holds in memory.</param>
    public static double Ceiling(SqliteConnection connection, string? text, long rows)
    {
        var terms = FtsQuery.Terms(text);
        if (terms.Count == 0)
        {
            return 0;
        }

        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH $term";
        var term = count.Parameters.Add("$term", SqliteType.Text);
        var ceiling = 0.0;
        foreach (var quoted in terms)
        {
            term.Value = quoted;
            var hits = Convert.ToDouble(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (hits > 0)
            {
                // FTS5's own idf, floored as FTS5 floors it.
                var idf = Math.Log((rows - hits + 0.5) / (hits + 0.5));
                ceiling += Math.Max(idf, 1e-6) * (K1 + 1);
            }
        }

        return ceiling;
    }

    private static void Read(SqliteCommand command, List<(long Id, double Score)> result)
    {
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            // FTS5's bm25() is negative, lower is better; the contract wants higher is better.
            result.Add((reader.GetInt64(0), -reader.GetDouble(1)));
        }
    }
}
