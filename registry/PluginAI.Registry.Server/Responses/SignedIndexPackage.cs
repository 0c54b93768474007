namespace PluginAI.Registry.Server.Responses;

/// <summary>A package version in the signed registry index.</summary>
internal sealed record SignedIndexPackage(string Id, string Version, string Sha256, bool Listed);
