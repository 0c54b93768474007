using PluginAI.Contributors;
using PluginAI.Manifest;

namespace PluginAI.Registry.Server;

/// <summary>One contributor's row in the ledger.</summary>
internal sealed record ContributorRow
{
    public required string Id { get; init; }

    public required string Version { get; init; }

    public required string Contributor { get; init; }

    public string? Name { get; init; }

    public string? Email { get; init; }

    public int CodeCommits { get; init; }

    public int DocCommits { get; init; }

    public int Issues { get; init; }

    public long LinesAdded { get; init; }

    public long LinesRemoved { get; init; }

    public double RawScore { get; init; }

    public double Share { get; init; }

    public double CodeWeight { get; init; }

    public double IssuesWeight { get; init; }

    public double DocsWeight { get; init; }

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    public static IReadOnlyList<ContributorRow> FromManifest(PluginManifest manifest, string id, string version)
    {
        if (manifest.Contributors is not { } section)
        {
            return [];
        }

        var weights = new ContributionWeights(section.CodeWeight, section.IssuesWeight, section.DocsWeight);
        return section.Entries.Select(e => new ContributorRow
        {
            Id = id,
            Version = version,
            Contributor = e.Id,
            Name = e.Name,
            Email = e.Id.Contains('@', StringComparison.Ordinal) ? e.Id : null,
            CodeCommits = e.CodeCommits,
            DocCommits = e.DocCommits,
            Issues = e.Issues,
            LinesAdded = e.LinesAdded,
            LinesRemoved = e.LinesRemoved,
            RawScore = ContributorScoring.RawScore(e.CodeCommits, e.Issues, e.DocCommits, weights),
            Share = e.Share,
            CodeWeight = section.CodeWeight,
            IssuesWeight = section.IssuesWeight,
            DocsWeight = section.DocsWeight,
            Since = section.Since,
            Until = section.Until,
        }).GroupBy(r => r.Contributor, StringComparer.Ordinal).Select(g => g.First()).ToList();
    }
}
