namespace PluginAI.Registry.Server.Responses;

/// <summary>The versions of a package in the flat container (<c>/v3-flatcontainer/{id}/index.json</c>).</summary>
internal sealed record FlatContainerIndex(IReadOnlyList<string> Versions);
