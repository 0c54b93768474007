using PluginAI.Retrieval;

namespace PluginAI.Runtime.Evaluation;

/// <summary>The scores of one search mode over a question set.</summary>
public sealed record RetrievalModeResult
{
    /// <summary>Gets the search mode.</summary>
    public required SearchMode Mode { get; init; }

    /// <summary>Gets the share of questions whose answer is ranked first.</summary>
    public required double HitAt1 { get; init; }

    /// <summary>Gets the share of questions whose answer is in the top 5.</summary>
    public required double HitAt5 { get; init; }

    /// <summary>Gets the mean reciprocal rank of the first relevant passage within the top 10 (0 for none).</summary>
    public required double MrrAt10 { get; init; }

    /// <summary>Gets the mean nDCG over the top 10.</summary>
    public required double NdcgAt10 { get; init; }

    /// <summary>Gets the time spent searching, embedding the questions included.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Gets the questions whose answer was not ranked first, in question order.</summary>
    public IReadOnlyList<RetrievalMiss> Misses { get; init; } = [];

    /// <summary>Computes the scores of a mode from its judgements.</summary>
    /// <param name="mode">The search mode.</param>
    /// <param name="judgements">One judgement per question, in question order.</param>
    /// <param name="misses">The questions not answered first.</param>
    /// <param name="elapsed">The time spent.</param>
    /// <returns>The scores.</returns>
    public static RetrievalModeResult From(SearchMode mode, IReadOnlyList<RetrievalJudgement> judgements, IReadOnlyList<RetrievalMiss> misses, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(judgements);
        ArgumentNullException.ThrowIfNull(misses);
        var count = Math.Max(judgements.Count, 1);
        return new RetrievalModeResult
        {
            Mode = mode,
            HitAt1 = judgements.Count(j => j.Rank == 1) / (double)count,
            HitAt5 = judgements.Count(j => j.Rank is >= 1 and <= 5) / (double)count,
            MrrAt10 = judgements.Sum(j => j.Rank is >= 1 and <= 10 ? 1.0 / j.Rank : 0) / count,
            NdcgAt10 = judgements.Sum(j => j.Ndcg) / count,
            Elapsed = elapsed,
            Misses = misses,
        };
    }
}
