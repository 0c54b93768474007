namespace PluginAI.Registry.Server;

/// <summary>A dependency of a package.</summary>
internal sealed record Dependency(string Id, string Range);
