using System.Numerics.Tensors;
using Microsoft.Data.Sqlite;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>Ranks the chunks a query asks for: by vector, by keyword, or by both fused as the settings say.</summary>
internal sealed class HybridRanker
{
    private readonly SqliteRetrieverSettings _settings;

    /// <summary>Initializes a new instance of the <see cref="HybridRanker"/> class.</summary>
    /// <param name="settings">The candidate factor and fusion method of hybrid searches.</param>
    public HybridRanker(SqliteRetrieverSettings settings) => _settings = settings;

    /// <summary>Ranks chunks; called under the read side of the knowledge base's lock.</summary>
    /// <param name="query">The query; its mode and <see cref="RetrievalQuery.Top"/> are used here.</param>
    /// <param name="vector">The normalised query embedding, or <see langword="null"/> for no vector search.</param>
    /// <param name="cache">The vectors.</param>
    /// <param name="hnsw">The HNSW index, or <see langword="null"/> to scan.</param>
    /// <param name="connection">A read connection for the keyword search.</param>
    /// <param name="allowed">The documents to search, or <see langword="null"/> for all.</param>
    /// <param name="allowedChunks">The number of chunks in the allowed documents.</param>
    /// <param name="cancellationToken">Cancels the exact scan.</param>
    /// <returns>At most <see cref="RetrievalQuery.Top"/> chunk ids, best first.</returns>
    public List<(long Id, double Score)> Rank(RetrievalQuery query, float[]? vector, VectorCache cache, HnswIndex? hnsw, SqliteConnection connection, HashSet<long>? allowed, long allowedChunks, CancellationToken cancellationToken)
    {
        var candidates = query.Mode == SearchMode.Hybrid ? query.Top * _settings.HybridCandidateFactor : query.Top;
        var keywords = Keywords.For(query, connection, cache.Arena.Count);
        List<(long Id, double Score)> ranked;
        if (query.Mode == SearchMode.Hybrid && vector is not null)
        {
            var vectorHits = cache.Search(vector, candidates, allowed, allowedChunks, hnsw, cancellationToken);
            var keywordHits = keywords.Search(candidates, allowed);
            ranked = _settings.Fusion switch
            {
                HybridFusion.ReciprocalRank => RankFusion.Fuse(vectorHits.ConvertAll(h => h.Id), keywordHits.ConvertAll(h => h.Id)),
                HybridFusion.MinMax => RankFusion.Convex(vectorHits, keywordHits, _settings.FusionAlpha),
                _ => RankFusion.Calibrated(Complete(vectorHits, keywordHits, vector, cache, keywords), keywords.Ceiling(), _settings.FusionAlpha, _settings.Fusion == HybridFusion.CalibratedScaledVector),
            };
        }
        else if (vector is not null)
        {
            ranked = cache.Search(vector, candidates, allowed, allowedChunks, hnsw, cancellationToken);
        }
        else if (query.Mode != SearchMode.Vector)
        {
            ranked = keywords.Search(candidates, allowed);
        }
        else
        {
            ranked = [];
        }

        if (ranked.Count > query.Top)
        {
            ranked.RemoveRange(query.Top, ranked.Count - query.Top);
        }

        return ranked;
    }

    /// <summary>Gives every candidate of either ranking both its cosine similarity and its BM25 score.</summary>
    private static List<(long Id, double Vector, double Keyword)> Complete(List<(long Id, double Score)> vectorHits, List<(long Id, double Score)> keywordHits, float[] vector, VectorCache cache, Keywords keywords)
    {
        var keyword = keywordHits.ToDictionary(h => h.Id, h => h.Score);
        var unscored = vectorHits.Where(h => !keyword.ContainsKey(h.Id)).Select(h => h.Id).ToList();
        foreach (var (id, score) in keywords.Score(unscored))
        {
            keyword[id] = score;
        }

        var result = new List<(long Id, double Vector, double Keyword)>(vectorHits.Count + keywordHits.Count);
        var seen = new HashSet<long>();
        foreach (var (id, score) in vectorHits)
        {
            seen.Add(id);
            result.Add((id, score, keyword.GetValueOrDefault(id)));
        }

        var arena = cache.Arena;
        foreach (var (id, score) in keywordHits)
        {
            if (seen.Add(id))
            {
                // A chunk only the keywords found is scored against the query vector like any other.
                var similarity = arena.TryGetSlot(id, out var slot) ? TensorPrimitives.Dot(vector, arena.VectorAt(slot)) : 0;
                result.Add((id, similarity, score));
            }
        }

        return result;
    }

    /// <summary>
    /// The keyword side of a query: FTS5's <c>bm25()</c> with the knowledge base's own statistics, or
    /// <see cref="CorpusBm25"/> with the collection's when the query carries them.
    /// </summary>
    private sealed class Keywords
    {
        private readonly SqliteConnection _connection;
        private readonly string? _text;
        private readonly long _rows;
        private readonly KeywordStatistics? _corpus;
        private readonly IReadOnlyList<string[]> _phrases;
        private Dictionary<long, double>? _scores;

        private Keywords(SqliteConnection connection, string? text, long rows, KeywordStatistics? corpus)
        {
            _connection = connection;
            _text = text;
            _rows = rows;
            _corpus = corpus;
            _phrases = corpus is null ? [] : CorpusBm25.Phrases(text);
        }

        public static Keywords For(RetrievalQuery query, SqliteConnection connection, long rows) =>
            new(connection, query.Text, rows, query.Mode == SearchMode.Vector ? null : query.KeywordStatistics);

        public List<(long Id, double Score)> Search(int top, HashSet<long>? allowed) =>
            _corpus is null ? KeywordSearch.Search(_connection, _text, top, allowed) : CorpusBm25.Top(_connection, Scores(_corpus), top, allowed);

        public List<(long Id, double Score)> Score(IReadOnlyCollection<long> ids)
        {
            if (_corpus is null)
            {
                return KeywordSearch.Score(_connection, _text, ids);
            }

            var scores = Scores(_corpus);
            return [.. ids.Where(scores.ContainsKey).Select(id => (id, scores[id]))];
        }

        public double Ceiling() =>
            _corpus is null ? KeywordSearch.Ceiling(_connection, _text, _rows) : CorpusBm25.Ceiling(_phrases, _corpus);

        /// <summary>Every matching chunk's score, computed once per query: the search and the scoring of vector hits share it.</summary>
        private Dictionary<long, double> Scores(KeywordStatistics corpus) => _scores ??= CorpusBm25.ScoreAll(_connection, _phrases, corpus);
    }
}
