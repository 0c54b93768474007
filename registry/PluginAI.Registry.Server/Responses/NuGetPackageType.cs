namespace PluginAI.Registry.Server.Responses;

/// <summary>A package type in a NuGet search result.</summary>
internal sealed record NuGetPackageType(string Name);
