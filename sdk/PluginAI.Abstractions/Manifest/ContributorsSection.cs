namespace PluginAI.Manifest;

/// <summary>Contributor statistics recorded when a plugin is packed, for weighted attribution.</summary>
public sealed record ContributorsSection
{
    /// <summary>Gets the start of the period, or <see langword="null"/> for the beginning of history.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Gets the end of the period, or <see langword="null"/> for the time of packing.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Gets the weight of code contributions.</summary>
    public double CodeWeight { get; init; } = 0.6;

    /// <summary>Gets the weight of issues opened.</summary>
    public double IssuesWeight { get; init; } = 0.3;

    /// <summary>Gets the weight of documentation contributions.</summary>
    public double DocsWeight { get; init; } = 0.1;

    /// <summary>Gets the statistics per contributor.</summary>
    public IReadOnlyList<ContributorEntry> Entries { get; init; } = [];
}
