namespace PluginAI.Contributors;

/// <summary>What to count when reading a repository's history: the period, bots, and how files are classified.</summary>
/// <remarks>
/// Patterns are <see cref="PluginAI.Retrieval.PathGlob"/> globs (docs/globs.md): <c>*</c> matches within one path segment, <c>**</c> across
/// segments, <c>?</c> one character, <c>{a,b}</c> either alternative and <c>[abc]</c> one character of a set, so a literal
/// bracket is written <c>[[]</c>: <c>*[[]bot]*</c> matches <c>dependabot[bot]</c>. A pattern without <c>/</c> is matched
/// against the file name alone. Matching ignores case.
/// </remarks>
public sealed record ContributorStatisticsOptions
{
    /// <summary>The documentation patterns used when none are given.</summary>
    public static IReadOnlyList<string> DefaultDocumentationPatterns { get; } =
        ["docs/**", "*.md", "*.rst", "*.adoc", "README*", "CONTRIBUTING*", "LICENSE*", "CHANGELOG*"];

    /// <summary>The generated, vendored and metadata patterns excluded when none are given.</summary>
    public static IReadOnlyList<string> DefaultExcludedPatterns { get; } =
        ["*.Designer.cs", "*.g.cs", "*.g.i.cs", "vendor/**", "third_party/**", "node_modules/**", "*.lock", "package-lock.json", ".mailmap"];

    /// <summary>The bot patterns used when none are given; matched against the author's name and e-mail address.</summary>
    public static IReadOnlyList<string> DefaultBotPatterns { get; } = ["*[[]bot]*", "dependabot*", "renovate*", "github-actions*"];

    /// <summary>Gets the start of the period (inclusive), or <see langword="null"/> for the beginning of history.</summary>
    /// <remarks>Commits are selected by committer date, as <c>git log --since</c> does; issues by creation date.</remarks>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Gets the end of the period (inclusive), or <see langword="null"/> for now.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Gets the patterns of paths that count as documentation; everything else not excluded is code.</summary>
    public IReadOnlyList<string> DocumentationPatterns { get; init; } = DefaultDocumentationPatterns;

    /// <summary>Gets the patterns of generated or vendored paths that count as neither code nor documentation.</summary>
    public IReadOnlyList<string> ExcludedPatterns { get; init; } = DefaultExcludedPatterns;

    /// <summary>Gets the patterns of author names, e-mail addresses or issue logins that are bots and are not counted.</summary>
    public IReadOnlyList<string> BotPatterns { get; init; } = DefaultBotPatterns;

    /// <summary>Gets the <c>git</c> executable to run; <c>git</c> on the path by default.</summary>
    public string GitExecutable { get; init; } = "git";

    /// <summary>Returns whether an instant lies within <see cref="Since"/> and <see cref="Until"/>.</summary>
    /// <param name="instant">The instant to test.</param>
    /// <returns><see langword="true"/> when the instant is in the period.</returns>
    public bool InPeriod(DateTimeOffset instant) => (Since is null || instant >= Since) && (Until is null || instant <= Until);
}
