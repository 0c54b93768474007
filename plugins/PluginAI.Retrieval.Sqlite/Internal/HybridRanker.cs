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
        List<(long Id, double Score)> ranked;
        if (query.Mode == SearchMode.Hybrid && vector is not null)
        {
            var vectorHits = cache.Search(vector, candidates, allowed, allowedChunks, hnsw, cancellationToken);
            var keywordHits = KeywordSearch.Search(connection, query.Text, candidates, allowed);
            ranked = _settings.Fusion switch
            {
                HybridFusion.ReciprocalRank => RankFusion.Fuse(vectorHits.ConvertAll(h => h.Id), keywordHits.ConvertAll(h => h.Id)),
                HybridFusion.MinMax => RankFusion.Convex(vectorHits, keywordHits, _settings.FusionAlpha),
                _ => RankFusion.Calibrated(Complete(vectorHits, keywordHits, vector, cache, connection, query.Text), KeywordSearch.Ceiling(connection, query.Text, cache.Arena.Count), _settings.FusionAlpha, _settings.Fusion == HybridFusion.CalibratedScaledVector),
            };
        }
        else if (vector is not null)
        {
            ranked = cache.Search(vector, candidates, allowed, allowedChunks, hnsw, cancellationToken);
        }
        else if (query.Mode != SearchMode.Vector)
        {
            ranked = KeywordSearch.Search(connection, query.Text, candidates, allowed);
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
    private static List<(long Id, double Vector, double Keyword)> Complete(List<(long Id, double Score)> vectorHits, List<(long Id, double Score)> keywordHits, float[] vector, VectorCache cache, SqliteConnection connection, string? text)
    {
        var keyword = keywordHits.ToDictionary(h => h.Id, h => h.Score);
        var unscored = vectorHits.Where(h => !keyword.ContainsKey(h.Id)).Select(h => h.Id).ToList();
        foreach (var (id, score) in KeywordSearch.Score(connection, text, unscored))
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
}
