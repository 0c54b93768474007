namespace PluginAI.Registry;

/// <summary>The outcome of a search: the plugins found, and the sources that could not be searched.</summary>
/// <param name="Results">The plugins, by id.</param>
/// <param name="Warnings">A line per source that failed or returned only part of its matches, naming it and why.</param>
public sealed record PluginSearchResponse(IReadOnlyList<PluginSearchResult> Results, IReadOnlyList<string> Warnings)
{
    /// <summary>Gets a line per plugin that matched but was left out because only certified plugins were asked for, saying why it is not certified on this machine.</summary>
    public IReadOnlyList<string> NotCertified { get; init; } = [];
}
