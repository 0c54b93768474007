namespace PluginAI.Registry.Server.Responses;

/// <summary>The answer of the NuGet search resource (<c>/v3/search</c>).</summary>
internal sealed record NuGetSearchResponse(int TotalHits, IReadOnlyList<NuGetSearchResult> Data);
