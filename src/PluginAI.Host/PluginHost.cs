using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Backends;
using PluginAI.Hardware;
using PluginAI.Host.Activation;
using PluginAI.Host.Admission;
using PluginAI.Host.Hardware;
using PluginAI.Host.Internal;
using PluginAI.Processing;
using PluginAI.Retrieval;
using PluginAI.Trust;

namespace PluginAI.Host;

/// <summary>
/// The thin host: discovers installed plugins, admits each (manifest, compatibility with the plugin API and this machine,
/// trust, certification, licence), activates the admitted ones (in an assembly load context of their own, or through
/// another <see cref="IPluginActivator"/>), and contains their failures.
/// </summary>
/// <remarks>
/// <para>
/// Plugins share only the contracts (<c>PluginAI.Abstractions</c>) and the Microsoft.Extensions abstractions with the
/// host; every other dependency is resolved from the plugin's own folder, so two plugins (or a plugin and the host) can use
/// different versions of one library. Load contexts are collectible: <see cref="UnloadAsync"/> releases a plugin and
/// <see cref="ReloadAsync"/> loads it again, for example after an update.
/// </para>
/// <para>
/// Contract implementations returned by <see cref="GetBackends"/> and the other accessors are wrapped: an unexpected
/// exception from a plugin becomes a <see cref="PluginFaultException"/> naming the plugin, is logged and counted on its
/// <see cref="PluginRecord"/>, and never affects other plugins. Members are thread-safe.
/// </para>
/// </remarks>
public sealed class PluginHost : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<PluginRecord> _records = [];
    private readonly List<IPluginActivator> _activators = [];
    private readonly Dictionary<string, LoadedPlugin> _loaded = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;

    private PluginHost(PluginAIPaths paths, HardwareProfile hardware, ILoggerFactory loggerFactory, PluginHostOptions options)
    {
        Paths = paths;
        Options = options;
        Hardware = hardware;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<PluginHost>();
        _activators.AddRange(options.Activators);
        _activators.Add(new Workers.WorkerPluginActivator(options.Workers));
        _activators.Add(new InProcessPluginActivator());
    }

    /// <summary>Gets the folders of the PluginAI home in use.</summary>
    public PluginAIPaths Paths { get; }

    /// <summary>Gets the options the host was started with.</summary>
    public PluginHostOptions Options { get; }

    /// <summary>Gets the trust policy plugins were verified against.</summary>
    public TrustPolicy TrustPolicy { get; private set; } = new();

    /// <summary>Gets a value indicating whether unsigned or untrusted plugins are let through, by option or by the trust policy.</summary>
    public bool AllowsUnsigned => Options.AllowUnsigned || TrustPolicy.AllowUnsigned;

    /// <summary>The name of the file in each installed version's folder that records how it was installed.</summary>
    public const string InstallReceiptFileName = InstalledPluginLayout.InstallReceiptFileName;

    /// <summary>The name of the file in an installed plugin's folder that names its active version.</summary>
    public const string CurrentVersionFileName = InstalledPluginLayout.CurrentVersionFileName;

    /// <summary>Gets the token counters of the loaded models, which plugins find through <see cref="ITokenCounterProvider"/>.</summary>
    public TokenCounterRegistry TokenCounters { get; } = new();

    /// <summary>Gets the hardware profile plugins were checked against.</summary>
    public HardwareProfile Hardware { get; }

    /// <summary>Gets every discovered plugin folder with its status, loaded or not, in discovery order.</summary>
    public IReadOnlyList<PluginRecord> Plugins
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    /// <summary>Discovers and loads the installed plugins.</summary>
    /// <param name="options">Where to look.</param>
    /// <param name="hardwareProbe">How to describe this machine; defaults to <see cref="HardwareProbe"/>.</param>
    /// <param name="loggerFactory">Where to log; defaults to no logging.</param>
    /// <param name="cancellationToken">A token to cancel start-up.</param>
    /// <returns>The running host. A plugin that cannot load is recorded with its reason; it never stops start-up.</returns>
    public static async Task<PluginHost> StartAsync(PluginHostOptions? options = null, IHardwareProbe? hardwareProbe = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        options ??= new PluginHostOptions();
        var hardware = await (hardwareProbe ?? new HardwareProbe()).ProbeAsync(cancellationToken).ConfigureAwait(false);
        var host = new PluginHost(new PluginAIPaths(options.HomeDirectory), hardware, loggerFactory ?? NullLoggerFactory.Instance, options);
        host.TrustPolicy = options.TrustPolicy ?? TrustPolicy.Load(host.Paths.TrustPolicyFile);
        var roots = new List<(string Path, string Source)> { (host.Paths.Plugins, "home") };
        roots.AddRange(options.AdditionalPluginDirectories.Select(d => (Path.GetFullPath(d), "extra")));
        if (options.IncludeBundledPlugins)
        {
            roots.Add((Path.GetFullPath(options.BundledPluginDirectory), "bundled"));
        }

        foreach (var (root, source) in roots.DistinctBy(r => r.Item1))
        {
            if (!Directory.Exists(root))
            {
                continue;
            }

            foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Path.GetFileName(folder).StartsWith('.'))
                {
                    // Staging and trash folders of the installer.
                    continue;
                }

                await host.LoadFolderAsync(ResolveInstalledVersion(folder), source, cancellationToken).ConfigureAwait(false);
            }
        }

        return host;
    }

    /// <summary>Gets the inference backends of the loaded plugins.</summary>
    /// <returns>The backends, wrapped so that their failures are contained.</returns>
    public IReadOnlyList<IInferenceBackend> GetBackends() => Collect(p => p.Backends);

    /// <summary>Gets the preprocessors of the loaded plugins, in chain order (<see cref="PreprocessorMetadata.Order"/>).</summary>
    /// <returns>The preprocessors, wrapped so that their failures are contained.</returns>
    public IReadOnlyList<IPreprocessor> GetPreprocessors() => [.. Collect(p => p.Preprocessors).OrderBy(p => SafeOrder(() => p.Metadata.Order))];

    /// <summary>Gets the postprocessors of the loaded plugins, in chain order (<see cref="PostprocessorMetadata.Order"/>).</summary>
    /// <returns>The postprocessors, wrapped so that their failures are contained.</returns>
    public IReadOnlyList<IPostprocessor> GetPostprocessors() => [.. Collect(p => p.Postprocessors).OrderBy(p => SafeOrder(() => p.Metadata.Order))];

    /// <summary>Gets the retrievers of the loaded plugins.</summary>
    /// <returns>The retrievers, wrapped so that their failures are contained.</returns>
    public IReadOnlyList<IRetriever> GetRetrievers() => Collect(p => p.Retrievers);

    /// <summary>Gets the record of a plugin by id.</summary>
    /// <param name="pluginId">The plugin id.</param>
    /// <returns>The record of the loaded plugin with that id, else the first record with that id, else <see langword="null"/>.</returns>
    public PluginRecord? FindPlugin(string pluginId)
    {
        lock (_gate)
        {
            return _records.FirstOrDefault(r => r.Status == PluginStatus.Loaded && string.Equals(r.Id, pluginId, StringComparison.OrdinalIgnoreCase))
                ?? _records.FirstOrDefault(r => string.Equals(r.Id, pluginId, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>Unloads a plugin: disposes its services and releases its load context.</summary>
    /// <param name="pluginId">The plugin id.</param>
    /// <returns><see langword="true"/> when a loaded plugin was unloaded.</returns>
    /// <remarks>The assemblies are collected once nothing references the plugin's objects any more.</remarks>
    public async Task<bool> UnloadAsync(string pluginId)
    {
        LoadedPlugin? plugin;
        lock (_gate)
        {
            if (!_loaded.Remove(pluginId, out plugin))
            {
                return false;
            }

            plugin.Record.Status = PluginStatus.Unloaded;
            plugin.Record.Reason = "unloaded on request";
        }

        await plugin.DisposeAsync().ConfigureAwait(false);
        _logger.LogInformation("Unloaded plugin {PluginId}", pluginId);
        return true;
    }

    /// <summary>Unloads a plugin if it is loaded, then loads it again from its folder, reading its manifest anew.</summary>
    /// <param name="pluginId">The plugin id.</param>
    /// <param name="cancellationToken">A token to cancel the load.</param>
    /// <returns>The new record of the plugin.</returns>
    /// <exception cref="KeyNotFoundException">No plugin with that id was discovered.</exception>
    public async Task<PluginRecord> ReloadAsync(string pluginId, CancellationToken cancellationToken = default)
    {
        var record = FindPlugin(pluginId) ?? throw new KeyNotFoundException($"No plugin with id '{pluginId}' was discovered.");
        await UnloadAsync(pluginId).ConfigureAwait(false);
        lock (_gate)
        {
            _records.Remove(record);
        }

        return await LoadFolderAsync(record.Directory, record.Source, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        List<LoadedPlugin> plugins;
        lock (_gate)
        {
            plugins = [.. _loaded.Values];
            _loaded.Clear();
        }

        foreach (var plugin in plugins)
        {
            await plugin.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Follows an installed plugin's <c>current</c> file to the folder of its active version; a folder without one is a
    /// plugin folder itself.
    /// </summary>
    /// <param name="folder">A folder in a plugins directory.</param>
    /// <returns>The folder to load.</returns>
    public static string ResolveInstalledVersion(string folder) => InstalledPluginLayout.ResolveInstalledVersion(folder);

    private const string ManifestChoosesIsolation = "its manifest says so";

    private IReadOnlyDictionary<string, Manifest.PluginIsolation> IsolationChoices()
    {
        try
        {
            return Workers.IsolationSettings.Load(Paths.Home);
        }
        catch (InvalidDataException ex)
        {
            _logger.LogWarning("{Message}; every plugin runs where its manifest says", ex.Message);
            return new Dictionary<string, Manifest.PluginIsolation>();
        }
    }

    private (Manifest.PluginIsolation Isolation, string Reason) ChooseIsolation(Manifest.PluginManifest manifest, string entryFolder)
    {
        if (Options.Isolation.TryGetValue(manifest.Id, out var chosen))
        {
            return (chosen, "chosen by the host's options");
        }

        if (IsolationChoices().TryGetValue(manifest.Id, out chosen))
        {
            return (chosen, $"chosen in {Workers.IsolationSettings.FileName} ('pluginai plugins isolate')");
        }

        if (manifest.IsolationDeclared || manifest.Isolation == Manifest.PluginIsolation.OutOfProcess)
        {
            return (manifest.Isolation, ManifestChoosesIsolation);
        }

        return Workers.NativeLibraries.Ships(entryFolder)
            ? (Manifest.PluginIsolation.OutOfProcess, "it ships native libraries and its manifest does not choose")
            : (Manifest.PluginIsolation.InProcess, "the default for a plugin without native libraries");
    }

    private async Task<PluginRecord> LoadFolderAsync(string folder, string source, CancellationToken cancellationToken)
    {
        var admission = await new PluginAdmission(Paths, Options, Hardware, TrustPolicy, _logger)
            .AdmitAsync(folder, source, LoadedRecord, cancellationToken).ConfigureAwait(false);
        var record = admission.Record;
        if (!admission.Admitted)
        {
            return Add(record);
        }

        var manifest = record.Manifest!;
        var context = new PluginContext(manifest, admission.EntryFolder!, Path.Combine(Paths.Data, manifest.Id), Hardware, record.Variant) { License = record.License };
        var (isolation, why) = ChooseIsolation(manifest, admission.EntryFolder!);
        record.Isolation = isolation;
        record.IsolationReason = why;
        if (isolation == Manifest.PluginIsolation.InProcess && why == ManifestChoosesIsolation && Workers.NativeLibraries.Ships(admission.EntryFolder!))
        {
            record.Details = [.. record.Details, $"warning: it ships native libraries and its manifest asks to run in the host's process, where a native crash stops the host; 'pluginai plugins isolate {manifest.Id} process' runs it in a supervised worker process"];
        }

        var request = new PluginActivationRequest(record, admission.ManifestPath!, admission.Entry!, admission.EntryFolder!, context, _loggerFactory, TokenCounters) { Isolation = isolation };
        var activator = _activators.FirstOrDefault(a => a.CanActivate(request));
        if (activator is null)
        {
            record.Status = PluginStatus.Failed;
            record.Reason = "no activator of this host can load it";
            return Add(record);
        }

        ActivatedPlugin? activated = null;
        try
        {
            activated = await activator.ActivateAsync(request, cancellationToken).ConfigureAwait(false);
            var guard = new PluginGuard(record, _loggerFactory.CreateLogger($"PluginAI.Plugin.{manifest.Id}"));
            var loaded = new LoadedPlugin(record, activated)
            {
                Backends = [.. activated.Backends.Select(b => (IInferenceBackend)new GuardedBackend(b, guard))],
                Preprocessors = [.. activated.Preprocessors.Select(p => (IPreprocessor)new GuardedPreprocessor(p, guard))],
                Postprocessors = [.. activated.Postprocessors.Select(p => (IPostprocessor)new GuardedPostprocessor(p, guard))],
                Retrievers = [.. activated.Retrievers.Select(r => (IRetriever)new GuardedRetriever(r, guard))],
            };

            var missing = manifest.Kinds.Where(k => activated.Count(k) == 0).ToList();
            if (missing.Count > 0)
            {
                throw new PluginActivationException($"it declares the kind{(missing.Count > 1 ? "s" : string.Empty)} {string.Join(", ", missing.Select(KindName))} in {Manifest.PluginManifest.FileName} but registered no implementation of {string.Join(", ", missing.Select(InterfaceName))} in ConfigureServices");
            }

            var undeclared = Enum.GetValues<PluginKind>().Where(k => activated.Count(k) > 0 && !manifest.Kinds.Contains(k)).ToList();
            if (undeclared.Count > 0)
            {
                record.Details = [.. record.Details, $"warning: it registered {string.Join(", ", undeclared.Select(InterfaceName))} without declaring the kind in {Manifest.PluginManifest.FileName}; they are used anyway"];
            }

            lock (_gate)
            {
                if (_loaded.TryGetValue(manifest.Id, out var existing))
                {
                    record.Status = PluginStatus.Duplicate;
                    record.Reason = record.DuplicateOf(existing.Record);
                }
                else
                {
                    record.Status = PluginStatus.Loaded;
                    record.Reason = null;
                    _loaded[manifest.Id] = loaded;
                }
            }

            if (record.Status == PluginStatus.Duplicate)
            {
                await activated.DisposeAsync().ConfigureAwait(false);
                return Add(record);
            }

            _logger.LogInformation("Loaded plugin {PluginId} {Version} from {Directory} ({Activator})", manifest.Id, manifest.Version, folder, activator.Name);
            return Add(record);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (activated is not null)
            {
                await activated.DisposeAsync().ConfigureAwait(false);
            }

            record.Status = PluginStatus.Failed;
            record.Reason = ex is PluginActivationException ? ex.Message : $"it threw while loading: {ex.GetType().Name}: {ex.Message}";
            _logger.LogWarning(ex, "Plugin {PluginId} from {Directory} failed to load", manifest.Id, folder);
            return Add(record);
        }
    }

    private PluginRecord? LoadedRecord(string pluginId)
    {
        lock (_gate)
        {
            return _loaded.TryGetValue(pluginId, out var existing) ? existing.Record : null;
        }
    }

    private IReadOnlyList<T> Collect<T>(Func<LoadedPlugin, IReadOnlyList<T>> select)
    {
        lock (_gate)
        {
            return [.. _records.Where(r => r.Status == PluginStatus.Loaded && _loaded.TryGetValue(r.Id, out var p) && p.Record == r).SelectMany(r => select(_loaded[r.Id]))];
        }
    }

    private PluginRecord Add(PluginRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
        }

        if (record.Status is not PluginStatus.Loaded)
        {
            _logger.LogWarning("Plugin {PluginId} in {Directory} not loaded ({Status}): {Reason}", record.Id, record.Directory, record.Status, record.Reason);
        }

        return record;
    }

    private static int SafeOrder(Func<int> order)
    {
        try
        {
            return order();
        }
        catch (PluginFaultException)
        {
            return int.MaxValue;
        }
    }

    private static string KindName(PluginKind kind) => kind.ToString().ToLowerInvariant();

    private static string InterfaceName(PluginKind kind) => kind switch
    {
        PluginKind.Backend => nameof(IInferenceBackend),
        PluginKind.Preprocessor => nameof(IPreprocessor),
        PluginKind.Postprocessor => nameof(IPostprocessor),
        _ => nameof(IRetriever),
    };

    private sealed class LoadedPlugin(PluginRecord record, ActivatedPlugin activated) : IAsyncDisposable
    {
        public PluginRecord Record { get; } = record;

        public IReadOnlyList<IInferenceBackend> Backends { get; init; } = [];

        public IReadOnlyList<IPreprocessor> Preprocessors { get; init; } = [];

        public IReadOnlyList<IPostprocessor> Postprocessors { get; init; } = [];

        public IReadOnlyList<IRetriever> Retrievers { get; init; } = [];

        public ValueTask DisposeAsync() => activated.DisposeAsync();
    }
}
