namespace PluginAI.Registry;

/// <summary>One plugin found by <see cref="RegistryClient.SearchAsync"/>.</summary>
/// <param name="Id">The plugin id.</param>
/// <param name="Version">The version shown: the newest that fits this machine, else the newest.</param>
/// <param name="Description">The description.</param>
/// <param name="Kinds">The kinds of work the plugin does.</param>
/// <param name="Compatible">Whether that version runs on this host and machine; <see langword="null"/> when the source serves no manifests to tell.</param>
/// <param name="Problems">Why it does not run here, in plain words; empty when it does or when unknown.</param>
/// <param name="Certified">Whether a valid record of a trusted certifier covers that version on a device of this machine.</param>
/// <param name="Source">The name of the source.</param>
/// <param name="CertificationReason">Why it is or is not certified, device by device, such as <c>CPU (Test CPU): certified by acme-labs until 2027-06-30 (suite 1.0.0)</c>.</param>
public sealed record PluginSearchResult(string Id, string Version, string? Description, IReadOnlyList<PluginKind> Kinds, bool? Compatible, IReadOnlyList<string> Problems, CertificationStatus Certified, string Source, string? CertificationReason = null);
