namespace PluginAI.Manifest;

/// <summary>The model of <c>pluginai.json</c>: what a plugin is, what it needs and how it is loaded.</summary>
/// <remarks>Read and validated by <c>ManifestReader</c>, written by <c>ManifestWriter</c> (both in the <c>PluginAI.Manifest</c> package). Instances are immutable.</remarks>
public sealed record PluginManifest
{
    /// <summary>The file name of a manifest.</summary>
    public const string FileName = "pluginai.json";

    /// <summary>The newest manifest schema version this build reads.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Gets the manifest schema version.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Gets the plugin id: a NuGet package id such as <c>Acme.Redaction</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the plugin version.</summary>
    public required SemanticVersion Version { get; init; }

    /// <summary>Gets a human-readable name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Gets a one-paragraph description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the authors.</summary>
    public IReadOnlyList<string> Authors { get; init; } = [];

    /// <summary>Gets the SPDX license expression of the plugin's code, such as <c>MIT</c>.</summary>
    public string? License { get; init; }

    /// <summary>Gets the kinds of work the plugin does; at least one.</summary>
    public required IReadOnlyList<PluginKind> Kinds { get; init; }

    /// <summary>Gets the entry assembly and type.</summary>
    public required PluginEntryPoint Entry { get; init; }

    /// <summary>Gets the range of plugin API versions the plugin works with.</summary>
    public required VersionRange HostApi { get; init; }

    /// <summary>Gets where the plugin runs: inside the host process or in a worker process.</summary>
    public PluginIsolation Isolation { get; init; } = PluginIsolation.InProcess;

    /// <summary>
    /// Gets whether the manifest states <see cref="Isolation"/>; when it does not, a host runs a plugin that ships native
    /// libraries in a worker process.
    /// </summary>
    public bool IsolationDeclared { get; init; }

    /// <summary>Gets the hardware the base build of the plugin needs.</summary>
    public HardwareRequirements Requirements { get; init; } = HardwareRequirements.None;

    /// <summary>Gets alternative builds for specific hardware, in order of preference.</summary>
    public IReadOnlyList<PluginVariant> Variants { get; init; } = [];

    /// <summary>Gets how the plugin is licensed to users.</summary>
    public LicensingInfo Licensing { get; init; } = LicensingInfo.Free;

    /// <summary>Gets the certification records hardware vendors issued for this plugin.</summary>
    public IReadOnlyList<CertificationRecord> Certifications { get; init; } = [];

    /// <summary>Gets the contributor statistics recorded when the plugin was packed, or <see langword="null"/>.</summary>
    public ContributorsSection? Contributors { get; init; }

    /// <summary>Gets the SHA-256 of every file of the package, filled in when the plugin is packed.</summary>
    public IReadOnlyList<PackageFileHash> Files { get; init; } = [];
}
