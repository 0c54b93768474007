namespace PluginAI.Trust.Index;

/// <summary>The newest index accepted from one registry source.</summary>
/// <param name="Registry">The registry name in that index.</param>
/// <param name="Version">The highest index version seen.</param>
/// <param name="Issued">When that index was issued.</param>
/// <param name="Sha256">The SHA-256 of that index's payload, in lower-case hex.</param>
/// <param name="Accepted">When it was accepted.</param>
public sealed record RegistryIndexRecord(string Registry, long Version, DateTimeOffset Issued, string Sha256, DateTimeOffset Accepted);
