using PluginAI.Manifest;

namespace PluginAI.Contributors;

/// <summary>
/// The statistics of one repository and period, scored: git history read, issues added, raw scores and normalised
/// shares computed. What <c>pluginai contributors</c>, <c>pluginai pack --contributors</c> and <c>dotnet pack</c> record.
/// </summary>
/// <param name="Weights">The weights the scores were computed with.</param>
/// <param name="Options">The period, file classes and bot patterns used.</param>
/// <param name="History">What was read from git, including whether the clone is shallow.</param>
/// <param name="Scores">The scores, largest share first.</param>
public sealed record ContributorAnalysis(ContributionWeights Weights, ContributorStatisticsOptions Options, ContributorHistory History, IReadOnlyList<ContributorScore> Scores)
{
    /// <summary>Reads a repository's history, adds the issues of an export, and scores every contributor.</summary>
    /// <param name="repository">A folder in the git repository.</param>
    /// <param name="weights">The weights; validated.</param>
    /// <param name="options">The period, file classes and bot patterns.</param>
    /// <param name="issuesFile">A GitHub-shaped JSON or CSV issues export, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel reading.</param>
    /// <returns>The analysis.</returns>
    /// <exception cref="PluginException">The folder is not a git repository, git failed, or the issues file is malformed.</exception>
    public static async Task<ContributorAnalysis> RunAsync(string repository, ContributionWeights weights, ContributorStatisticsOptions options, string? issuesFile = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(repository);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(options);
        var history = await new GitHistoryReader(options).ReadAsync(repository, cancellationToken).ConfigureAwait(false);
        var contributors = issuesFile is null ? history.Contributors : IssueImporter.AddIssues(history.Contributors, IssueImporter.Load(issuesFile), options);
        return new ContributorAnalysis(weights, options, history, ContributorScoring.Score(contributors, weights));
    }

    /// <summary>Builds the manifest's contributors section from this analysis.</summary>
    /// <returns>The section, with the weights and the period.</returns>
    public ContributorsSection ToManifestSection() => ContributorScoring.ToManifestSection(Scores, Weights, Options.Since, Options.Until);
}
