using NuGet.Versioning;
using PluginAI.Hardware;
using PluginAI.Trust;

namespace PluginAI.Registry.Sources;

/// <summary>
/// One package source as <see cref="RegistryClient"/> uses it: a local folder feed (<see cref="FolderPackageSource"/>)
/// or an HTTP feed, ours or any NuGet v3 feed (<see cref="HttpPackageSource"/>).
/// </summary>
internal interface IPackageSource
{
    /// <summary>Gets the source's name in <c>pluginai.config</c>.</summary>
    string Name { get; }

    /// <summary>Gets the source's location, a folder or a service index URL.</summary>
    string Location { get; }

    /// <summary>Searches the source; one result per plugin id, the newest version that fits this machine where there is one.</summary>
    Task<IReadOnlyList<PluginSearchResult>> SearchAsync(string? term, PluginKind? kind, HardwareProfile hardware, ICollection<string> warnings, CancellationToken cancellationToken);

    /// <summary>Lists every version of a plugin the source has, with its manifest.</summary>
    Task<IReadOnlyList<PluginPackageCandidate>> GetCandidatesAsync(string id, ICollection<string> skipped, CancellationToken cancellationToken);

    /// <summary>Downloads a package into a folder and returns its path.</summary>
    Task<string> DownloadAsync(string id, NuGetVersion version, string directory, CancellationToken cancellationToken);

    /// <summary>Downloads the source's signed index, or <see langword="null"/> when it publishes none.</summary>
    Task<SignedIndexDownload?> GetSignedIndexAsync(CancellationToken cancellationToken);

    /// <summary>Downloads the certification records the source serves for a plugin.</summary>
    Task<IReadOnlyList<SignedEnvelope>> GetCertificationsAsync(string id, CancellationToken cancellationToken);
}
