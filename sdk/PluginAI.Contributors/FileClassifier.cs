using PluginAI.Retrieval;

namespace PluginAI.Contributors;

/// <summary>Sorts repository paths into code, documentation and excluded files. Thread-safe once built.</summary>
public sealed class FileClassifier
{
    private readonly PathGlob _excluded;
    private readonly PathGlob _docs;

    /// <summary>Initializes a new instance of the <see cref="FileClassifier"/> class.</summary>
    /// <param name="options">The documentation and exclusion patterns.</param>
    public FileClassifier(ContributorStatisticsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _excluded = PathGlob.ParseAny(options.ExcludedPatterns);
        _docs = PathGlob.ParseAny(options.DocumentationPatterns);
    }

    /// <summary>Classifies a path relative to the repository root, with <c>/</c> separators.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The category; exclusion wins over documentation.</returns>
    public FileCategory Classify(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return _excluded.IsMatch(path) ? FileCategory.Excluded : _docs.IsMatch(path) ? FileCategory.Docs : FileCategory.Code;
    }
}
