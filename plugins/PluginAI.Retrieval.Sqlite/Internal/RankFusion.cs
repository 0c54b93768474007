namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>
/// Fuses a vector ranking and a keyword ranking: by a convex combination of min-max normalised scores (the default), or
/// by reciprocal rank fusion, where each list adds <c>1 / (k + rank)</c> to an item's score, rank starting at 1.
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
}
