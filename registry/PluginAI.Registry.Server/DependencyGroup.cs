namespace PluginAI.Registry.Server;

/// <summary>A dependency group of a package.</summary>
internal sealed record DependencyGroup(string? TargetFramework, List<Dependency> Dependencies);
