using PluginAI.Licensing;
using PluginAI.Manifest;
using PluginAI.Manifest.Compatibility;
using PluginAI.Trust.Certification;

namespace PluginAI.Host;

/// <summary>What the host knows about one discovered plugin folder: its manifest, its status, and why.</summary>
/// <remarks>Status and fault counters change as the plugin is used, unloaded or reloaded; reads are thread-safe.</remarks>
public sealed class PluginRecord
{
    private int _faultCount;
    private string? _lastFault;

    internal PluginRecord(string id, string directory, string source)
    {
        Id = id;
        Directory = directory;
        Source = source;
    }

    /// <summary>Gets the plugin id, or the folder name when the manifest could not be read.</summary>
    public string Id { get; }

    /// <summary>Gets the plugin folder.</summary>
    public string Directory { get; }

    /// <summary>Gets where the folder was found: <c>home</c>, <c>bundled</c> or <c>extra</c>.</summary>
    public string Source { get; }

    /// <summary>
    /// Gets the folder of the bundled (first-party) plugin with the same id that this plugin, found in the home or an
    /// extra folder, replaces; <see langword="null"/> when it replaces none. The bundled one is recorded as a duplicate.
    /// </summary>
    public string? Overrides { get; internal set; }

    /// <summary>Gets the manifest, when it was valid.</summary>
    public PluginManifest? Manifest { get; internal set; }

    /// <summary>Gets the status.</summary>
    public PluginStatus Status { get; internal set; }

    /// <summary>Gets the main reason for the status, in plain words; <see langword="null"/> for a loaded plugin.</summary>
    public string? Reason { get; internal set; }

    /// <summary>Gets every error, warning and decision behind the status.</summary>
    public IReadOnlyList<string> Details { get; internal set; } = [];

    /// <summary>Gets the hardware compatibility decision, when the manifest was valid.</summary>
    public CompatibilityReport? Compatibility { get; internal set; }

    /// <summary>Gets how the plugin's signature and files were verified, such as <c>signed by acme (3f2a…), 12 files verified</c>.</summary>
    public string? Trust { get; internal set; }

    /// <summary>Gets the name and key id of the trusted publisher that signed the plugin, or <see langword="null"/>.</summary>
    public string? Publisher { get; internal set; }

    /// <summary>Gets, for a backend, whether it is certified on each device of this machine; empty for other kinds.</summary>
    public IReadOnlyList<DeviceCertification> Certifications { get; internal set; } = [];

    /// <summary>Gets the license state of the plugin, as the plugin itself sees it through <see cref="PluginContext.License"/>.</summary>
    public PluginLicense License { get; internal set; } = PluginLicense.Free;

    /// <summary>Gets the variant loaded, or <see langword="null"/> for the base build.</summary>
    public string? Variant { get; internal set; }

    /// <summary>Gets where the plugin runs (in the host's process or in a worker process), once it was admitted.</summary>
    public Manifest.PluginIsolation? Isolation { get; internal set; }

    /// <summary>Gets why it runs there: the user's choice, the manifest, or the native libraries it ships.</summary>
    public string? IsolationReason { get; internal set; }

    /// <summary>Gets the plugin's worker process now, for a plugin that runs in one; otherwise <see langword="null"/>.</summary>
    public Workers.WorkerSnapshot? Worker => WorkerSource?.Invoke();

    internal Func<Workers.WorkerSnapshot>? WorkerSource { get; set; }

    /// <summary>Gets the number of calls into the plugin that failed unexpectedly since it was loaded.</summary>
    public int FaultCount => Volatile.Read(ref _faultCount);

    /// <summary>Gets the last unexpected failure, or <see langword="null"/>.</summary>
    public string? LastFault => Volatile.Read(ref _lastFault);

    /// <summary>Explains why this record is a duplicate of <paramref name="loaded"/>, marking an override of a bundled plugin on the loaded one.</summary>
    internal string DuplicateOf(PluginRecord loaded)
    {
        if (Source != "bundled" || loaded.Source == "bundled")
        {
            return $"another plugin with id '{Id}' is already loaded from {loaded.Directory}";
        }

        // A plugin in the home silently replacing a first-party one is worth seeing in 'plugins list' and 'doctor'.
        loaded.Overrides = Directory;
        loaded.Details = [.. loaded.Details, $"warning: overrides the bundled plugin '{Id}' in {Directory}"];
        return $"overridden by the plugin with the same id in {loaded.Directory} ({loaded.Source}), which takes precedence over bundled plugins; remove it ('pluginai plugins remove {Id}') to use the bundled one";
    }

    internal void RecordFault(string description)
    {
        Interlocked.Increment(ref _faultCount);
        Volatile.Write(ref _lastFault, description);
    }

    internal void ResetFaults()
    {
        Volatile.Write(ref _faultCount, 0);
        Volatile.Write(ref _lastFault, null);
    }
}
