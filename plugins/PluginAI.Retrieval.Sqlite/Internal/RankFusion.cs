namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>
/// Fuses a vector ranking and a keyword ranking: by a convex combination of calibrated scores (the default), of min-max
/// normalised scores, or by reciprocal rank fusion, where each list adds <c>1 / (k + rank)</c> to an item's score, rank
/// starting at 1.
/// </summary>
internal static class RankFusion
{
    /// <summary>The constant of Cormack, Clarke and Büttcher (2009); it damps the weight of the very first ranks.</summary>
    public const int K = 60;

    /// <summary>Fuses ranked lists of ids into one list, best first; ties go to the id ranked first in the earlier list.</summary>
    public static List<(long Id, double Score)> Fuse(params IReadOnlyList<long>[] rankings)
    {
        var scores = new Dictionary<long, (double Score, int FirstSeen)>();
        var order = 0;
        foreach (var ranking in rankings)
        {
            for (var rank = 0; rank < ranking.Count; rank++)
            {
                var id = ranking[rank];
                var add = 1.0 / (K + rank + 1);
                scores[id] = scores.TryGetValue(id, out var existing) ? (existing.Score + add, existing.FirstSeen) : (add, order++);
            }
        }

        var result = scores.Select(pair => (pair.Key, pair.Value.Score, pair.Value.FirstSeen)).ToList();
        result.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.FirstSeen.CompareTo(b.FirstSeen));
        return result.ConvertAll(static entry => (entry.Key, entry.Score));
    }

    /// <summary>
    /// Combines scores as <c>alpha × vector + (1 − alpha) × keyword</c> after scaling each list's scores to [0, 1] by its
    /// own minimum and maximum; an item missing from a list scores 0 there. Unlike rank fusion it keeps how much better
    /// the best hits are, so a weak keyword match cannot outrank a much closer vector match.
    /// </summary>
    public static List<(long Id, double Score)> Convex(IReadOnlyList<(long Id, double Score)> vector, IReadOnlyList<(long Id, double Score)> keyword, double alpha)
    {
        var scores = new Dictionary<long, (double Score, int FirstSeen)>();
        var order = 0;
        Add(vector, alpha);
        Add(keyword, 1 - alpha);
        var result = scores.Select(pair => (pair.Key, pair.Value.Score, pair.Value.FirstSeen)).ToList();
        result.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.FirstSeen.CompareTo(b.FirstSeen));
        return result.ConvertAll(static entry => (entry.Key, entry.Score));

        void Add(IReadOnlyList<(long Id, double Score)> hits, double weight)
        {
            if (hits.Count == 0)
            {
                return;
            }

            var min = hits.Min(h => h.Score);
            var range = hits.Max(h => h.Score) - min;
            foreach (var (id, score) in hits)
            {
                var add = weight * (range > 0 ? (score - min) / range : 1.0);
                scores[id] = scores.TryGetValue(id, out var existing) ? (existing.Score + add, existing.FirstSeen) : (add, order++);
            }
        }
    }

    /// <summary>
    /// Combines scores as <c>alpha × vector + (1 − alpha) × keyword</c>, each on a scale that means the same in every
    /// query: the vector score is the cosine similarity (below 0 counts as 0), the keyword score is the BM25 score
    /// divided by the query's <see cref="KeywordSearch.Ceiling"/>. Every candidate carries both scores (the caller
    /// scores what one ranking found in the other), so a weak keyword match stays weak and a chunk is not penalised for
    /// missing from one list's top.
    /// </summary>
    /// <param name="candidates">Each candidate with its cosine similarity and raw BM25 score (0 when no word matches).</param>
    /// <param name="keywordCeiling">The query's BM25 ceiling; 0 leaves the vector scores alone.</param>
    /// <param name="alpha">The weight of the vector score.</param>
    /// <param name="scaleVector">Whether to min-max scale the cosine similarities over the candidates first.</param>
    /// <returns>The candidates, best first; ties go to the closer vector.</returns>
    public static List<(long Id, double Score)> Calibrated(IReadOnlyList<(long Id, double Vector, double Keyword)> candidates, double keywordCeiling, double alpha, bool scaleVector = false)
    {
        var scored = new List<(long Id, double Score, double Vector)>(candidates.Count);
        var min = candidates.Count > 0 ? candidates.Min(c => c.Vector) : 0;
        var range = candidates.Count > 0 ? candidates.Max(c => c.Vector) - min : 0;
        foreach (var (id, vector, keyword) in candidates)
        {
            var keywordShare = keywordCeiling > 0 ? Math.Clamp(keyword / keywordCeiling, 0, 1) : 0;
            var vectorScore = scaleVector ? (range > 0 ? (vector - min) / range : 1) : Math.Max(vector, 0);
            scored.Add((id, (alpha * vectorScore) + ((1 - alpha) * keywordShare), vector));
        }

        scored.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : b.Vector.CompareTo(a.Vector));
        return scored.ConvertAll(static entry => (entry.Id, entry.Score));
    }
}
