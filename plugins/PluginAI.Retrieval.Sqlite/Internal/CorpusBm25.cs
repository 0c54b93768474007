using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>
/// BM25 over the FTS5 index with collection statistics given from outside: the score FTS5's <c>bm25(chunks_fts, 1.0,
/// 2.0)</c> would give if the index held every chunk of the collection, not only this knowledge base's.
/// </summary>
/// <remarks>
/// FTS5's <c>bm25()</c> reads the row count, token total and phrase hit counts of its own table and cannot be told
/// others. This class reads the same index through <c>fts5vocab</c> tables (each term's occurrences by row, column and
/// position) and the index's own size records, and evaluates FTS5's formula term for term: for each query phrase
/// <c>idf × f × (k1 + 1) / (f + k1 × (1 − b + b × D / avgdl))</c>, with <c>f</c> the phrase's column-weighted count in
/// the row, <c>D</c> the row's tokens and <c>idf = ln((N − n + 0.5) / (n + 0.5))</c> floored at 1e-6. With a knowledge
/// base's own statistics it gives FTS5's scores, which a test checks.
/// </remarks>
internal static class CorpusBm25
{
    private const double K1 = 1.2;
    private const double B = 0.75;
    private const string Tokenizer = "porter unicode61 remove_diacritics 2";
    private const int MaxCachedTexts = 256;
    private const int MaxCachedText = 1024;

    private static readonly ConcurrentDictionary<string, string[][]> s_recent = new(StringComparer.Ordinal);

    /// <summary>Splits a query into phrases as the index's tokenizer does: one token list per query word, stems included.</summary>
    /// <remarks>
    /// Runs FTS5's own tokenizer on the words in an in-memory table, so the tokens are those the index holds. A search
    /// across shards tokenizes the same text in every shard twice (statistics, then scores), so recent texts are kept.
    /// </remarks>
    public static IReadOnlyList<string[]> Phrases(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        if (s_recent.TryGetValue(text, out var known))
        {
            return known;
        }

        var phrases = Tokenize(text);
        if (text.Length <= MaxCachedText)
        {
            if (s_recent.Count >= MaxCachedTexts)
            {
                s_recent.Clear();
            }

            s_recent[text] = phrases;
        }

        return phrases;
    }

    private static string[][] Tokenize(string text)
    {
        var words = FtsQuery.Terms(text);
        var phrases = new List<string[]>(words.Count);
        if (words.Count == 0)
        {
            return [];
        }

        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = $"""
                CREATE VIRTUAL TABLE words USING fts5(word, tokenize = '{Tokenizer}');
                CREATE VIRTUAL TABLE word_tokens USING fts5vocab(words, instance);
                """;
            create.ExecuteNonQuery();
        }

        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO words(rowid, word) VALUES ($row, $word)";
            var row = insert.Parameters.Add("$row", SqliteType.Integer);
            var word = insert.Parameters.Add("$word", SqliteType.Text);
            for (var i = 0; i < words.Count; i++)
            {
                row.Value = i + 1;
                word.Value = words[i].Trim('"');
                insert.ExecuteNonQuery();
            }
        }

        var tokens = new List<string>[words.Count];
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT doc, term FROM word_tokens ORDER BY doc, offset";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                (tokens[reader.GetInt64(0) - 1] ??= []).Add(reader.GetString(1));
            }
        }

        foreach (var list in tokens)
        {
            // A word with no token matches nothing and adds nothing to a score.
            if (list is { Count: > 0 })
            {
                phrases.Add([.. list]);
            }
        }

        return [.. phrases];
    }

    /// <summary>The key of a phrase in <see cref="KeywordStatistics.TermChunks"/>: its tokens joined by spaces.</summary>
    public static string Key(string[] phrase) => string.Join(' ', phrase);

    /// <summary>This knowledge base's statistics for the phrases: its chunks, its tokens and each phrase's chunk count.</summary>
    public static KeywordStatistics Statistics(SqliteConnection connection, IReadOnlyList<string[]> phrases)
    {
        var (rows, tokens) = Totals(connection);
        EnsureVocabulary(connection);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var phrase in phrases)
        {
            var key = Key(phrase);
            if (counts.ContainsKey(key))
            {
                continue;
            }

            if (phrase.Length == 1)
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT doc FROM temp.chunks_fts_rows WHERE term = $term";
                command.Parameters.AddWithValue("$term", phrase[0]);
                counts[key] = command.ExecuteScalar() is long hits ? hits : 0;
            }
            else
            {
                counts[key] = Postings(connection, phrase).Count;
            }
        }

        return new KeywordStatistics { Chunks = rows, Tokens = tokens, TermChunks = counts };
    }

    /// <summary>Scores every chunk holding a phrase of the query with the collection's statistics.</summary>
    /// <param name="connection">A read connection.</param>
    /// <param name="phrases">The query's phrases, from <see cref="Phrases"/>.</param>
    /// <param name="corpus">The collection's statistics.</param>
    /// <returns>Each matching chunk's score, higher is better; a chunk without a match is left out (it scores 0).</returns>
    public static Dictionary<long, double> ScoreAll(SqliteConnection connection, IReadOnlyList<string[]> phrases, KeywordStatistics corpus)
    {
        var scores = new Dictionary<long, double>();
        if (phrases.Count == 0 || corpus.Chunks <= 0)
        {
            return scores;
        }

        EnsureVocabulary(connection);
        var postings = new Dictionary<string, Dictionary<long, double>>(StringComparer.Ordinal);
        foreach (var phrase in phrases)
        {
            var key = Key(phrase);
            if (!postings.ContainsKey(key))
            {
                postings[key] = Postings(connection, phrase);
            }
        }

        var rows = postings.Values.SelectMany(p => p.Keys).ToHashSet();
        if (rows.Count == 0)
        {
            return scores;
        }

        var sizes = RowSizes(connection, rows);
        var averageLength = (double)corpus.Tokens / corpus.Chunks;
        var idf = phrases.Select(p => Idf(corpus.Chunks, corpus.TermChunks.GetValueOrDefault(Key(p)))).ToArray();
        var frequencies = phrases.Select(p => postings[Key(p)]).ToArray();
        foreach (var row in rows)
        {
            var length = (double)sizes.GetValueOrDefault(row);
            var score = 0.0;
            for (var i = 0; i < frequencies.Length; i++)
            {
                var frequency = frequencies[i].GetValueOrDefault(row);
                score += idf[i] * (frequency * (K1 + 1.0) / (frequency + (K1 * (1 - B + (B * length / averageLength)))));
            }

            scores[row] = score;
        }

        return scores;
    }

    /// <summary>The best of the scored chunks, within the allowed documents.</summary>
    /// <param name="connection">A read connection.</param>
    /// <param name="scores">The scores from <see cref="ScoreAll"/>.</param>
    /// <param name="top">The number of chunks to return.</param>
    /// <param name="allowed">The documents to search, or <see langword="null"/> for all.</param>
    /// <returns>The chunk ids, best first (ties by id), with their scores.</returns>
    public static List<(long Id, double Score)> Top(SqliteConnection connection, Dictionary<long, double> scores, int top, HashSet<long>? allowed)
    {
        var inAllowed = allowed is not null && scores.Count > 0 ? ChunksOf(connection, scores.Keys, allowed) : null;
        var ranked = scores.Where(pair => inAllowed is null || inAllowed.Contains(pair.Key)).Select(pair => (Id: pair.Key, Score: pair.Value)).ToList();
        ranked.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Id.CompareTo(b.Id));
        if (ranked.Count > top)
        {
            ranked.RemoveRange(top, ranked.Count - top);
        }

        return ranked;
    }

    /// <summary>The score no chunk can reach, as <see cref="KeywordSearch.Ceiling"/> computes it, with the collection's statistics.</summary>
    public static double Ceiling(IReadOnlyList<string[]> phrases, KeywordStatistics corpus)
    {
        var ceiling = 0.0;
        foreach (var phrase in phrases)
        {
            var hits = corpus.TermChunks.GetValueOrDefault(Key(phrase));
            if (hits > 0)
            {
                ceiling += Idf(corpus.Chunks, hits) * (K1 + 1);
            }
        }

        return ceiling;
    }

    /// <summary>The row count and the token total of the index, from FTS5's averages record.</summary>
    public static (long Rows, long Tokens) Totals(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT block FROM chunks_fts_data WHERE id = 1";
        if (command.ExecuteScalar() is not byte[] record || record.Length == 0)
        {
            return (0, 0);
        }

        // The record is a varint row count followed by one varint token total per column.
        var offset = 0;
        var rows = ReadVarint(record, ref offset);
        long tokens = 0;
        while (offset < record.Length)
        {
            tokens += ReadVarint(record, ref offset);
        }

        return (rows, tokens);
    }

    /// <summary>FTS5's idf, floored as FTS5 floors it so that a term in most chunks still counts a little.</summary>
    private static double Idf(long rows, long hits)
    {
        var idf = Math.Log((rows - hits + 0.5) / (hits + 0.5));
        return idf <= 0.0 ? 1e-6 : idf;
    }

    /// <summary>Each row holding the phrase, with its occurrences weighted by column: text 1, section 2.</summary>
    private static Dictionary<long, double> Postings(SqliteConnection connection, string[] phrase)
    {
        var result = new Dictionary<long, double>();
        using var command = connection.CreateCommand();
        if (phrase.Length == 1)
        {
            command.CommandText = "SELECT doc, col, count(*) FROM temp.chunks_fts_instances WHERE term = $term GROUP BY doc, col";
            command.Parameters.AddWithValue("$term", phrase[0]);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var row = reader.GetInt64(0);
                result[row] = result.GetValueOrDefault(row) + (Weight(reader.GetString(1)) * reader.GetInt64(2));
            }

            return result;
        }

        // A phrase of several tokens matches where they follow each other in one column, as an FTS5 phrase does.
        command.CommandText = "SELECT doc, col, offset FROM temp.chunks_fts_instances WHERE term = $term";
        var term = command.Parameters.Add("$term", SqliteType.Text);
        var positions = new HashSet<(long Row, string Column, long Offset)>[phrase.Length];
        for (var i = 0; i < phrase.Length; i++)
        {
            term.Value = phrase[i];
            positions[i] = [];
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                positions[i].Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        foreach (var (row, column, offset) in positions[0])
        {
            var match = true;
            for (var i = 1; i < phrase.Length && match; i++)
            {
                match = positions[i].Contains((row, column, offset + i));
            }

            if (match)
            {
                result[row] = result.GetValueOrDefault(row) + Weight(column);
            }
        }

        return result;
    }

    private static double Weight(string column) => column == "section" ? 2.0 : 1.0;

    /// <summary>Each row's token count over every column, from FTS5's size records.</summary>
    private static Dictionary<long, long> RowSizes(SqliteConnection connection, HashSet<long> rows)
    {
        var sizes = new Dictionary<long, long>(rows.Count);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, sz FROM chunks_fts_docsize WHERE id IN (SELECT value FROM json_each($ids))";
        command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(rows));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var record = (byte[])reader.GetValue(1);
            var offset = 0;
            long total = 0;
            while (offset < record.Length)
            {
                total += ReadVarint(record, ref offset);
            }

            sizes[reader.GetInt64(0)] = total;
        }

        return sizes;
    }

    private static HashSet<long> ChunksOf(SqliteConnection connection, IEnumerable<long> chunks, HashSet<long> documents)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM chunks WHERE id IN (SELECT value FROM json_each($chunks)) AND document_id IN (SELECT value FROM json_each($documents))";
        command.Parameters.AddWithValue("$chunks", JsonSerializer.Serialize(chunks));
        command.Parameters.AddWithValue("$documents", JsonSerializer.Serialize(documents));
        var result = new HashSet<long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(reader.GetInt64(0));
        }

        return result;
    }

    /// <summary>Makes the index's term tables visible to this connection; they live in its temporary schema, so the file is not changed.</summary>
    private static void EnsureVocabulary(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_fts_rows USING fts5vocab(main, chunks_fts, row);
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_fts_instances USING fts5vocab(main, chunks_fts, instance);
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>Reads one SQLite varint: big-endian groups of 7 bits, the high bit set on all but the last, a ninth byte of 8.</summary>
    private static long ReadVarint(byte[] data, ref int offset)
    {
        ulong value = 0;
        for (var i = 0; i < 9 && offset < data.Length; i++)
        {
            var b = data[offset++];
            if (i == 8)
            {
                return (long)((value << 8) | b);
            }

            value = (value << 7) | (uint)(b & 0x7F);
            if (b < 0x80)
            {
                break;
            }
        }

        return (long)value;
    }
}
