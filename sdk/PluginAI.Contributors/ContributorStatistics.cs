namespace PluginAI.Contributors;

/// <summary>One contributor's raw counts in a period.</summary>
public sealed record ContributorStatistics
{
    /// <summary>Gets the identity: the e-mail address after <c>.mailmap</c> merging, lower-cased, or the login of an issues-only contributor.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the display name (after <c>.mailmap</c> merging).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the number of commits that changed code.</summary>
    public int CodeCommits { get; init; }

    /// <summary>Gets the number of commits that changed documentation; a commit that changed both counts here and in <see cref="CodeCommits"/>.</summary>
    public int DocCommits { get; init; }

    /// <summary>Gets the number of issues opened in the period.</summary>
    public int Issues { get; init; }

    /// <summary>Gets the lines of code added.</summary>
    public long CodeLinesAdded { get; init; }

    /// <summary>Gets the lines of code removed.</summary>
    public long CodeLinesRemoved { get; init; }

    /// <summary>Gets the lines of documentation added.</summary>
    public long DocLinesAdded { get; init; }

    /// <summary>Gets the lines of documentation removed.</summary>
    public long DocLinesRemoved { get; init; }
}
