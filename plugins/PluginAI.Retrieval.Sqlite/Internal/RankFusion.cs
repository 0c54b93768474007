namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>Reciprocal rank fusion: each list adds <c>1 / (k + rank)</c> to an item's score, rank starting at 1.</summary>
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
}
