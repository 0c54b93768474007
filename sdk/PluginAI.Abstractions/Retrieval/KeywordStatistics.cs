namespace PluginAI.Retrieval;

/// <summary>
/// The collection statistics that keyword scores (BM25) depend on, for one query: how many chunks there are, how long
/// they are, and how many of them hold each of the query's terms.
/// </summary>
/// <remarks>
/// A knowledge base that is one part of a larger collection (a shard of a cluster) scores with its own statistics
/// unless it is given the whole collection's: the sum of every part's, see <see cref="Sum"/>. With them, scores from
/// different parts are the scores one knowledge base holding every chunk would give, so merging by score is exact.
/// Terms are as the retriever forms them (its tokenizer and stemmer); only statistics from the same retriever add up.
/// </remarks>
public sealed record KeywordStatistics
{
    /// <summary>Gets the number of chunks in the keyword index.</summary>
    public long Chunks { get; init; }

    /// <summary>Gets the number of tokens in the keyword index, over every indexed field of every chunk.</summary>
    public long Tokens { get; init; }

    /// <summary>Gets, for each term of the query, the number of chunks that hold it.</summary>
    public IReadOnlyDictionary<string, long> TermChunks { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Adds up the statistics of several parts of one collection.</summary>
    /// <param name="parts">Each part's statistics for the same query.</param>
    /// <returns>The statistics of the whole collection.</returns>
    public static KeywordStatistics Sum(IEnumerable<KeywordStatistics> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        long chunks = 0, tokens = 0;
        var terms = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            chunks += part.Chunks;
            tokens += part.Tokens;
            foreach (var (term, count) in part.TermChunks)
            {
                terms[term] = terms.GetValueOrDefault(term) + count;
            }
        }

        return new KeywordStatistics { Chunks = chunks, Tokens = tokens, TermChunks = terms };
    }
}
