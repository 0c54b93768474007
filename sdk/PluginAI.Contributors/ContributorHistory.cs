namespace PluginAI.Contributors;

/// <summary>The statistics read from one repository.</summary>
public sealed record ContributorHistory
{
    /// <summary>Gets the contributors with at least one counted commit, most code commits first.</summary>
    public required IReadOnlyList<ContributorStatistics> Contributors { get; init; }

    /// <summary>Gets the number of non-merge commits read in the period, bots included.</summary>
    public int CommitsRead { get; init; }

    /// <summary>Gets the number of commits left out because their author matched a bot pattern.</summary>
    public int BotCommits { get; init; }

    /// <summary>Gets a value indicating whether the repository is a shallow clone, so the history is partial.</summary>
    public bool IsShallow { get; init; }
}
