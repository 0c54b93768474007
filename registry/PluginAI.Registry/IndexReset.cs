using PluginAI.Trust.Index;

namespace PluginAI.Registry;

/// <summary>The outcome of accepting a registry's reset index (<c>pluginai sources reset-index</c>).</summary>
/// <param name="SourceName">The source's name.</param>
/// <param name="SourceKey">The key its index state is kept under.</param>
/// <param name="Previous">The index accepted before, or <see langword="null"/> when none was.</param>
/// <param name="Accepted">The index accepted now.</param>
/// <param name="KeyId">The registry key that signed it.</param>
/// <param name="KeyName">That key's name in the trust policy.</param>
public sealed record IndexReset(string SourceName, string SourceKey, RegistryIndexRecord? Previous, RegistryIndex Accepted, string KeyId, string? KeyName);
