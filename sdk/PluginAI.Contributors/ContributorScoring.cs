using PluginAI.Manifest;

namespace PluginAI.Contributors;

/// <summary>Turns counts into scores and shares.</summary>
/// <remarks>
/// The raw score is <c>code × wc + issues × wi + docs × wd</c>, where code is the number of code commits, docs the
/// number of documentation commits and issues the number of issues opened. Raw scores reward the category with the
/// largest counts (commits usually outnumber issues), so the normalised share first turns each category into shares
/// of that category's total in the period and then weights them:
/// <c>share = wc × code / Σcode + wi × issues / Σissues + wd × docs / Σdocs</c>. A category with no activity in the
/// period has no shares to give; its weight goes to the other categories in proportion, so shares still sum to 1.
/// </remarks>
public static class ContributorScoring
{
    /// <summary>Scores contributors, largest share first.</summary>
    /// <param name="contributors">The counts of one period.</param>
    /// <param name="weights">The weights; validated here.</param>
    /// <returns>The scores; contributors with nothing counted get share 0.</returns>
    public static IReadOnlyList<ContributorScore> Score(IReadOnlyList<ContributorStatistics> contributors, ContributionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(contributors);
        ArgumentNullException.ThrowIfNull(weights);
        weights.Validate();

        double totalCode = contributors.Sum(c => (double)c.CodeCommits);
        double totalIssues = contributors.Sum(c => (double)c.Issues);
        double totalDocs = contributors.Sum(c => (double)c.DocCommits);
        var wc = totalCode > 0 ? weights.Code : 0;
        var wi = totalIssues > 0 ? weights.Issues : 0;
        var wd = totalDocs > 0 ? weights.Docs : 0;
        var active = wc + wi + wd;

        return contributors
            .Select(c =>
            {
                var raw = RawScore(c.CodeCommits, c.Issues, c.DocCommits, weights);
                var share = active <= 0 ? 0 :
                    ((wc > 0 ? wc * c.CodeCommits / totalCode : 0) +
                     (wi > 0 ? wi * c.Issues / totalIssues : 0) +
                     (wd > 0 ? wd * c.DocCommits / totalDocs : 0)) / active;
                return new ContributorScore(c, raw, share);
            })
            .OrderByDescending(s => s.Share).ThenBy(s => s.Statistics.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The raw score: code commits, issues and doc commits, each times its weight.</summary>
    /// <param name="codeCommits">Commits that touched code.</param>
    /// <param name="issues">Issues opened.</param>
    /// <param name="docCommits">Commits that touched documentation.</param>
    /// <param name="weights">The weights.</param>
    /// <returns>The weighted sum.</returns>
    public static double RawScore(int codeCommits, int issues, int docCommits, ContributionWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return (codeCommits * weights.Code) + (issues * weights.Issues) + (docCommits * weights.Docs);
    }

    /// <summary>Reads back the scores recorded in a manifest's contributors section, with the weights they were computed with.</summary>
    /// <param name="section">The section.</param>
    /// <returns>The weights and the scores, with the recorded shares.</returns>
    public static (ContributionWeights Weights, IReadOnlyList<ContributorScore> Scores) FromManifestSection(ContributorsSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var weights = new ContributionWeights(section.CodeWeight, section.IssuesWeight, section.DocsWeight);
        var scores = section.Entries.Select(e => new ContributorScore(
            new ContributorStatistics { Id = e.Id, Name = e.Name ?? e.Id, CodeCommits = e.CodeCommits, DocCommits = e.DocCommits, Issues = e.Issues },
            RawScore(e.CodeCommits, e.Issues, e.DocCommits, weights),
            e.Share)).ToList();
        return (weights, scores);
    }

    /// <summary>Builds the manifest's contributors section from scores, for recording alongside a packed plugin.</summary>
    /// <param name="scores">The scores.</param>
    /// <param name="weights">The weights the scores were computed with.</param>
    /// <param name="since">The start of the period, if any.</param>
    /// <param name="until">The end of the period, if any.</param>
    /// <returns>The section.</returns>
    public static ContributorsSection ToManifestSection(IReadOnlyList<ContributorScore> scores, ContributionWeights weights, DateTimeOffset? since, DateTimeOffset? until)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(weights);
        return new ContributorsSection
        {
            Since = since,
            Until = until,
            CodeWeight = weights.Code,
            IssuesWeight = weights.Issues,
            DocsWeight = weights.Docs,
            Entries = scores.Select(s => new ContributorEntry
            {
                Id = s.Statistics.Id,
                Name = s.Statistics.Name,
                CodeCommits = s.Statistics.CodeCommits,
                DocCommits = s.Statistics.DocCommits,
                Issues = s.Statistics.Issues,
                LinesAdded = s.Statistics.CodeLinesAdded + s.Statistics.DocLinesAdded,
                LinesRemoved = s.Statistics.CodeLinesRemoved + s.Statistics.DocLinesRemoved,
                Share = s.Share,
            }).ToList(),
        };
    }
}
