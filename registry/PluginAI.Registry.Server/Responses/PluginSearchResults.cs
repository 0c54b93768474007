namespace PluginAI.Registry.Server.Responses;

/// <summary>The answer of PluginAI's search (<c>/pluginai/v1/search</c>).</summary>
internal sealed record PluginSearchResults(int TotalHits, IReadOnlyList<PluginSummary> Data);
