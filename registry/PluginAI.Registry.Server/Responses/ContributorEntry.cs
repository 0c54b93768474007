namespace PluginAI.Registry.Server.Responses;

/// <summary>One contributor's row of the ledger.</summary>
internal sealed record ContributorEntry(
    string Version,
    string Contributor,
    string? Name,
    string? Email,
    int CodeCommits,
    int DocCommits,
    int Issues,
    long LinesAdded,
    long LinesRemoved,
    double RawScore,
    double Share,
    ContributorWeights Weights,
    DateTimeOffset? Since,
    DateTimeOffset? Until);
