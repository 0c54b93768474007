namespace PluginAI.Manifest;

/// <summary>One contributor's statistics in a period.</summary>
public sealed record ContributorEntry
{
    /// <summary>Gets the contributor's identity (after <c>.mailmap</c> merging), such as an e-mail address or login.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the display name.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the number of commits that changed code.</summary>
    public int CodeCommits { get; init; }

    /// <summary>Gets the number of commits that changed documentation.</summary>
    public int DocCommits { get; init; }

    /// <summary>Gets the number of issues opened.</summary>
    public int Issues { get; init; }

    /// <summary>Gets the lines added, all categories.</summary>
    public long LinesAdded { get; init; }

    /// <summary>Gets the lines removed, all categories.</summary>
    public long LinesRemoved { get; init; }

    /// <summary>Gets the normalised share of credit, between 0 and 1.</summary>
    public double Share { get; init; }
}
