using PluginAI.Trust;

namespace PluginAI.Host;

/// <summary>Options of the <see cref="PluginHost"/>.</summary>
public sealed class PluginHostOptions
{
    /// <summary>Gets or sets the PluginAI home folder; <see langword="null"/> uses <c>PLUGINAI_HOME</c> or the user profile.</summary>
    public string? HomeDirectory { get; set; }

    /// <summary>Gets or sets a value indicating whether to load the plugins shipped next to the application, in its <c>plugins</c> folder.</summary>
    public bool IncludeBundledPlugins { get; set; } = true;

    /// <summary>Gets additional folders to discover plugins in, searched after the home's and before the bundled ones.</summary>
    public IList<string> AdditionalPluginDirectories { get; } = [];

    /// <summary>
    /// Gets activators to try before the built-in in-process one, in order; the first that accepts an admitted plugin
    /// loads it (a worker-process activator, for example, takes plugins whose manifest asks for out-of-process isolation).
    /// </summary>
    public IList<Activation.IPluginActivator> Activators { get; } = [];

    /// <summary>Gets or sets the folder of bundled plugins; defaults to <c>plugins</c> next to the application.</summary>
    public string BundledPluginDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>
    /// Gets or sets a value indicating whether unsigned plugins, plugins signed by keys the trust policy does not trust,
    /// and plugins whose manifest lists no file hashes are loaded (<c>--allow-unsigned</c>). A plugin whose files do not
    /// match its signed manifest is refused even then. Off by default.
    /// </summary>
    public bool AllowUnsigned { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether plugins shipped with the application (the bundled folder) are verified
    /// too. Off by default: they come with the application and are as trusted as its own code.
    /// </summary>
    public bool VerifyBundledPlugins { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether backends without a valid certification for at least one device of this
    /// machine are refused (<c>--require-certified</c>); the trust policy's <c>requireCertified</c> counts too.
    /// </summary>
    public bool RequireCertified { get; set; }

    /// <summary>Gets or sets the clock used for certification expiry and licenses; <see langword="null"/> for the system clock.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Gets or sets how this machine is identified for licenses bound to a machine; <see langword="null"/> for the real machine id.</summary>
    public PluginAI.Trust.Licensing.MachineIdentity? MachineIdentity { get; set; }

    /// <summary>Gets or sets the trust policy; <see langword="null"/> reads <c>trust.json</c> from the home folder.</summary>
    public TrustPolicy? TrustPolicy { get; set; }

    /// <summary>Gets how plugin worker processes are run and supervised.</summary>
    public Workers.WorkerOptions Workers { get; } = new();

    /// <summary>
    /// Gets where plugins run by id, overriding their manifests; the home's <c>isolation.json</c> (written by
    /// <c>pluginai plugins isolate</c>) adds to these.
    /// </summary>
    public IDictionary<string, Manifest.PluginIsolation> Isolation { get; } = new Dictionary<string, Manifest.PluginIsolation>(StringComparer.OrdinalIgnoreCase);
}
