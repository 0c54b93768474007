using PluginAI.Retrieval;

namespace PluginAI.Runtime.Evaluation;

/// <summary>Judges a ranked list of passages against a question's expected sources.</summary>
/// <remarks>
/// Relevance is binary and counted per expected source (or source and section): the first passage that matches an
/// expected source gains 1, and further passages of that source gain nothing, so that a document cut into many chunks
/// cannot fill the ideal ranking by itself.
/// </remarks>
public static class RetrievalMetrics
{
    /// <summary>Whether a passage is one that the question expects.</summary>
    /// <param name="passage">The passage.</param>
    /// <param name="source">An expected source path, or the end of one after a <c>/</c>.</param>
    /// <param name="section">The expected section, or <see langword="null"/> for any.</param>
    /// <returns><see langword="true"/> when the passage's source, and section if given, match.</returns>
    public static bool Matches(RetrievedPassage passage, string source, string? section)
    {
        ArgumentNullException.ThrowIfNull(passage);
        ArgumentNullException.ThrowIfNull(source);
        var path = passage.SourcePath.Replace('\\', '/');
        var expected = source.Replace('\\', '/').TrimStart('/');
        var sourceMatches = path.Equals(expected, StringComparison.OrdinalIgnoreCase) || path.EndsWith("/" + expected, StringComparison.OrdinalIgnoreCase);
        if (!sourceMatches || section is null)
        {
            return sourceMatches;
        }

        var actual = passage.Section ?? string.Empty;
        return actual.Equals(section, StringComparison.OrdinalIgnoreCase) || actual.EndsWith(" > " + section, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Judges one ranking.</summary>
    /// <param name="question">The question and what answers it.</param>
    /// <param name="passages">The passages, best first.</param>
    /// <param name="depth">How many passages count, 10 for MRR@10 and nDCG@10.</param>
    /// <returns>The 1-based rank of the first relevant passage (0 when none within <paramref name="depth"/>), and nDCG.</returns>
    public static RetrievalJudgement Judge(RetrievalQuestion question, IReadOnlyList<RetrievedPassage> passages, int depth = 10)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(passages);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        var found = new bool[question.Sources.Count];
        var firstRank = 0;
        var dcg = 0.0;
        for (var i = 0; i < Math.Min(depth, passages.Count); i++)
        {
            for (var s = 0; s < found.Length; s++)
            {
                if (!found[s] && Matches(passages[i], question.Sources[s], question.Section))
                {
                    found[s] = true;
                    dcg += 1 / Math.Log2(i + 2);
                    firstRank = firstRank == 0 ? i + 1 : firstRank;
                    break;
                }
            }
        }

        var ideal = 0.0;
        for (var i = 0; i < Math.Min(depth, found.Length); i++)
        {
            ideal += 1 / Math.Log2(i + 2);
        }

        return new RetrievalJudgement(firstRank, ideal > 0 ? dcg / ideal : 0);
    }
}
