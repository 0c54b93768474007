namespace PluginAI.Trust.Index;

/// <summary>One package version in a registry index.</summary>
/// <param name="Id">The package id.</param>
/// <param name="Version">The package version.</param>
/// <param name="Sha256">The SHA-256 of the <c>.nupkg</c> in lower-case hex.</param>
/// <param name="Listed">Whether the version is listed; an unlisted version can still be installed by exact version.</param>
public sealed record RegistryIndexEntry(string Id, string Version, string Sha256, bool Listed = true);
