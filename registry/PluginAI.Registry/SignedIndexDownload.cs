using PluginAI.Trust;

namespace PluginAI.Registry;

/// <summary>The signed index a package source publishes, as downloaded; <see cref="Trust.Index.RegistryIndexState.Accept"/> verifies it.</summary>
/// <param name="SourceName">The source's name.</param>
/// <param name="SourceKey">The key its index state is kept under: the source's service index URL.</param>
/// <param name="Location">Where the index was read.</param>
/// <param name="Envelope">The signed index.</param>
public sealed record SignedIndexDownload(string SourceName, string SourceKey, Uri Location, SignedEnvelope Envelope);
