using System.Reflection;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PluginAI.Backends;
using PluginAI.Hardware;
using PluginAI.Host.Hardware;
using PluginAI.Host.Internal;
using PluginAI.Manifest;
using PluginAI.Manifest.Compatibility;
using PluginAI.Processing;
using PluginAI.Retrieval;
using PluginAI.Trust;
using PluginAI.Trust.Certification;
using PluginAI.Trust.Content;
using PluginAI.Trust.Licensing;
using PluginAI.Licensing;

namespace PluginAI.Host;

/// <summary>
/// The thin host: discovers installed plugins, validates each against the plugin API and this machine, loads each into an
/// assembly load context of its own, composes it with dependency injection, and contains its failures.
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
    private static readonly Type[] s_sharedTypes =
    [
        typeof(IPlugin),
        typeof(IChatClient),
        typeof(IServiceCollection),
        typeof(ILogger),
        typeof(IOptions<>),
        typeof(StringValues),
    ];

    private readonly Lock _gate = new();
    private readonly List<PluginRecord> _records = [];
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

    private IReadOnlyList<DeviceCertification> EvaluateCertification(PluginManifest manifest, string directory)
    {
        var records = new List<SignedEnvelope>();
        try
        {
            records.AddRange(new CertificationStore(Paths.Home).Envelopes(manifest.Id));
        }
        catch (TrustException ex)
        {
            _logger.LogWarning("Cannot read the certification records of {PluginId}: {Reason}", manifest.Id, ex.Message);
        }

        for (var i = 0; i < manifest.Certifications.Count; i++)
        {
            try
            {
                records.Add(CertificationRecords.ToEnvelope(manifest.Certifications[i], $"{Path.Combine(directory, PluginManifest.FileName)}: certifications[{i}]"));
            }
            catch (TrustException ex)
            {
                _logger.LogWarning("Ignoring a certification record of {PluginId}: {Reason}", manifest.Id, ex.Message);
            }
        }

        var now = (Options.TimeProvider ?? TimeProvider.System).GetUtcNow();
        return CertificationEvaluator.Evaluate(manifest.Id, manifest.Version, records, Hardware, TrustPolicy, now);
    }

    private static TrustPolicy CopyRequiringCertification(TrustPolicy policy) =>
        new(policy.Keys, policy.Path) { AllowUnsigned = policy.AllowUnsigned, RequireCertified = true };

    private async Task<PluginRecord> LoadFolderAsync(string folder, string source, CancellationToken cancellationToken)
    {
        var manifestPath = Path.Combine(folder, PluginManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            return Add(new PluginRecord(Path.GetFileName(folder), folder, source)
            {
                Status = PluginStatus.Invalid,
                Reason = $"{manifestPath}: no {PluginManifest.FileName}; expected a plugin folder with a manifest",
            });
        }

        var read = await ManifestReader.ReadFileAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        var warnings = read.Warnings.Select(w => $"warning: {w}").ToList();
        if (!read.IsValid)
        {
            return Add(new PluginRecord(Path.GetFileName(folder), folder, source)
            {
                Status = PluginStatus.Invalid,
                Reason = read.Errors[0].ToString(),
                Details = [.. read.Errors.Select(e => e.ToString()), .. warnings],
            });
        }

        var manifest = read.Manifest;
        var record = new PluginRecord(manifest.Id, folder, source) { Manifest = manifest, Details = warnings };
        lock (_gate)
        {
            if (_loaded.TryGetValue(manifest.Id, out var existing))
            {
                record.Status = PluginStatus.Duplicate;
                record.Reason = $"another plugin with id '{manifest.Id}' is already loaded from {existing.Record.Directory}";
                _records.Add(record);
                return record;
            }
        }

        var compatibility = CompatibilityChecker.Check(manifest, Hardware);
        record.Compatibility = compatibility;
        record.Details = [.. warnings, .. compatibility.Notes.Select(n => $"note: {n}"), .. (manifest.Variants.Count > 0 ? compatibility.Decisions.Select(Describe) : [])];
        if (!compatibility.IsCompatible)
        {
            record.Status = PluginStatus.Incompatible;
            record.Reason = string.Join("; ", compatibility.Problems);
            return Add(record);
        }

        if (manifest.Isolation == PluginIsolation.OutOfProcess)
        {
            record.Status = PluginStatus.Failed;
            record.Reason = "it asks for out-of-process isolation, which this host version does not provide yet; it was not loaded";
            return Add(record);
        }

        // A package may declare variants whose files it does not carry (a CPU-only download of a plugin with a CUDA
        // build): take the first fitting build whose files are present.
        PluginVariant? variant = null;
        var found = false;
        foreach (var decision in compatibility.Decisions.Where(d => d.Fits))
        {
            var candidate = manifest.Variants.FirstOrDefault(v => v.Name == decision.Build);
            if (candidate?.Path is { } candidatePath && !Directory.Exists(Path.Combine(folder, candidatePath)))
            {
                record.Details = [.. record.Details, $"build '{candidate.Name}': fits this machine, but its files ({candidatePath}) are not installed"];
                continue;
            }

            variant = candidate;
            found = true;
            break;
        }

        if (!found)
        {
            record.Status = PluginStatus.Incompatible;
            record.Reason = "the builds that fit this machine are not installed; only " + string.Join(", ", compatibility.Decisions.Where(d => !d.Fits).Select(d => $"'{d.Build}' ({string.Join("; ", d.Problems)})"));
            return Add(record);
        }

        record.Variant = variant?.Name;
        if (source != "bundled" || Options.VerifyBundledPlugins)
        {
            var verification = await Task.Run(
                () => PluginContentVerifier.VerifyDirectory(
                    folder,
                    TrustPolicy,
                    new ContentVerificationOptions { AllowUnsigned = Options.AllowUnsigned, ExpectPresent = ContentVerificationOptions.BaseAndVariant(record.Variant) },
                    [InstallReceiptFileName],
                    cancellationToken),
                cancellationToken).ConfigureAwait(false);
            record.Trust = verification.Summary[(verification.Source.Length + 2)..];
            record.Publisher = verification.Publisher is { } publisher ? $"{publisher.Name} ({publisher.KeyId})" : null;
            if (!verification.IsAccepted)
            {
                record.Status = PluginStatus.Untrusted;
                record.Reason = string.Join("; ", verification.Problems.Where(p => !p.Allowed));
                return Add(record);
            }

            if (verification.Status == ContentVerificationStatus.AllowedUnverified)
            {
                _logger.LogWarning("Loading {PluginId} without a trusted signature: {Trust}", manifest.Id, record.Trust);
            }
        }
        else
        {
            record.Trust = "bundled with PluginAI";
        }

        if (manifest.Kinds.Contains(PluginKind.Backend))
        {
            record.Certifications = EvaluateCertification(manifest, record.Directory);
            var policy = Options.RequireCertified && !TrustPolicy.RequireCertified ? CopyRequiringCertification(TrustPolicy) : TrustPolicy;
            if (!CertificationEvaluator.IsAllowed(record.Certifications, policy))
            {
                record.Status = PluginStatus.Uncertified;
                record.Reason = "certified backends are required (" + (Options.RequireCertified ? "--require-certified" : $"requireCertified in {TrustPolicy.Path}") + "): "
                    + string.Join("; ", record.Certifications.Select(c => $"{c.Device}: {c.Reason}"));
                return Add(record);
            }
        }

        if (manifest.Licensing.Model != LicensingModel.Free)
        {
            try
            {
                var now = (Options.TimeProvider ?? TimeProvider.System).GetUtcNow();
                record.License = new LicenceEvaluator(Options.MachineIdentity).Evaluate(manifest, new LicenceStore(Paths.Home), TrustPolicy, now);
            }
            catch (TrustException ex)
            {
                record.License = new PluginLicense { Model = manifest.Licensing.Model, Status = PluginLicenseStatus.Invalid, Reason = ex.Message, Product = manifest.Licensing.ProductCode };
            }

            if (!record.License.IsUsable)
            {
                record.Status = PluginStatus.Unlicensed;
                record.Reason = record.License.Reason ?? $"no usable licence for {manifest.Licensing.ProductCode}";
                return Add(record);
            }
        }

        var entry = variant?.Entry ?? manifest.Entry;
        var entryFolder = variant?.Path is { } sub ? Path.Combine(folder, sub) : folder;
        var assemblyPath = Path.GetFullPath(Path.Combine(entryFolder, entry.Assembly));
        if (!File.Exists(assemblyPath))
        {
            record.Status = PluginStatus.Failed;
            record.Reason = $"{manifestPath}: field 'entry.assembly': the file {assemblyPath} does not exist";
            return Add(record);
        }

        PluginLoader? loader = null;
        ServiceProvider? provider = null;
        try
        {
            loader = PluginLoader.CreateFromAssemblyFile(assemblyPath, isUnloadable: true, s_sharedTypes, config =>
            {
                // Only the shared types' assemblies come from the host; everything else resolves from the plugin folder.
                // Assemblies load from their files, not from memory: plugins that find native libraries or data files
                // next to their assembly need Assembly.Location.
                config.PreferSharedTypes = false;
                config.LoadInMemory = false;
            });

            var plugin = CreateEntryPoint(loader, entry, manifestPath);
            var dataDirectory = Path.Combine(Paths.Data, manifest.Id);
            Directory.CreateDirectory(dataDirectory);
            var context = new PluginContext(manifest, entryFolder, dataDirectory, Hardware, record.Variant) { License = record.License };
            var services = new ServiceCollection();
            services.AddSingleton(_loggerFactory);
            services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
            services.AddSingleton(context);
            services.AddSingleton(record.License);
            services.AddSingleton(Hardware);
            plugin.ConfigureServices(services, context);
            provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

            var guard = new PluginGuard(record, _loggerFactory.CreateLogger($"PluginAI.Plugin.{manifest.Id}"));
            var loaded = new LoadedPlugin(record, loader, provider)
            {
                Backends = [.. provider.GetServices<IInferenceBackend>().Select(b => (IInferenceBackend)new GuardedBackend(b, guard))],
                Preprocessors = [.. provider.GetServices<IPreprocessor>().Select(p => (IPreprocessor)new GuardedPreprocessor(p, guard))],
                Postprocessors = [.. provider.GetServices<IPostprocessor>().Select(p => (IPostprocessor)new GuardedPostprocessor(p, guard))],
                Retrievers = [.. provider.GetServices<IRetriever>().Select(r => (IRetriever)new GuardedRetriever(r, guard))],
            };

            var missing = manifest.Kinds.Where(k => loaded.Count(k) == 0).ToList();
            if (missing.Count > 0)
            {
                throw new PluginLoadException($"it declares the kind{(missing.Count > 1 ? "s" : string.Empty)} {string.Join(", ", missing.Select(KindName))} in {PluginManifest.FileName} but registered no implementation of {string.Join(", ", missing.Select(InterfaceName))} in ConfigureServices");
            }

            var undeclared = Enum.GetValues<PluginKind>().Where(k => loaded.Count(k) > 0 && !manifest.Kinds.Contains(k)).ToList();
            if (undeclared.Count > 0)
            {
                record.Details = [.. record.Details, $"warning: it registered {string.Join(", ", undeclared.Select(InterfaceName))} without declaring the kind in {PluginManifest.FileName}; they are used anyway"];
            }

            lock (_gate)
            {
                if (_loaded.TryGetValue(manifest.Id, out var existing))
                {
                    throw new PluginLoadException($"another plugin with id '{manifest.Id}' is already loaded from {existing.Record.Directory}", isDuplicate: true);
                }

                record.Status = PluginStatus.Loaded;
                record.Reason = null;
                _loaded[manifest.Id] = loaded;
            }

            _logger.LogInformation("Loaded plugin {PluginId} {Version} from {Directory}", manifest.Id, manifest.Version, folder);
            return Add(record);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (provider is not null)
            {
                await provider.DisposeAsync().ConfigureAwait(false);
            }

            loader?.Dispose();
            record.Status = ex is PluginLoadException { IsDuplicate: true } ? PluginStatus.Duplicate : PluginStatus.Failed;
            record.Reason = ex is PluginLoadException ? ex.Message : $"it threw while loading: {Unwrap(ex).GetType().Name}: {Unwrap(ex).Message}";
            _logger.LogWarning(ex, "Plugin {PluginId} from {Directory} failed to load", manifest.Id, folder);
            return Add(record);
        }
    }

    private static IPlugin CreateEntryPoint(PluginLoader loader, PluginEntryPoint entry, string manifestPath)
    {
        Assembly assembly;
        try
        {
            assembly = loader.LoadDefaultAssembly();
        }
        catch (BadImageFormatException ex)
        {
            throw new PluginLoadException($"{manifestPath}: field 'entry.assembly': {entry.Assembly} is not a .NET assembly ({ex.Message})");
        }

        var type = assembly.GetType(entry.Type, throwOnError: false)
            ?? throw new PluginLoadException($"{manifestPath}: field 'entry.type': the type '{entry.Type}' does not exist in {entry.Assembly}");
        if (!typeof(IPlugin).IsAssignableFrom(type))
        {
            var foreign = type.GetInterfaces().FirstOrDefault(i => i.FullName == typeof(IPlugin).FullName);
            throw new PluginLoadException(foreign is not null
                ? $"{manifestPath}: field 'entry.type': '{entry.Type}' implements a private copy of PluginAI.IPlugin; the plugin ships its own PluginAI.Abstractions.dll. Reference the contracts with Private=\"false\" ExcludeAssets=\"runtime\" and remove that file"
                : $"{manifestPath}: field 'entry.type': '{entry.Type}' does not implement PluginAI.IPlugin");
        }

        if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new PluginLoadException($"{manifestPath}: field 'entry.type': '{entry.Type}' needs to be a non-abstract class with a public parameterless constructor");
        }

        return (IPlugin)Activator.CreateInstance(type)!;
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

    private static string Describe(BuildDecision decision) => decision switch
    {
        { Chosen: true } => $"build '{decision.Build}': chosen",
        { Fits: true } => $"build '{decision.Build}': fits, but an earlier build was chosen",
        _ => $"build '{decision.Build}': not usable: {string.Join("; ", decision.Problems)}",
    };

    private static string KindName(PluginKind kind) => kind.ToString().ToLowerInvariant();

    private static string InterfaceName(PluginKind kind) => kind switch
    {
        PluginKind.Backend => nameof(IInferenceBackend),
        PluginKind.Preprocessor => nameof(IPreprocessor),
        PluginKind.Postprocessor => nameof(IPostprocessor),
        _ => nameof(IRetriever),
    };

    private static Exception Unwrap(Exception ex) => ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;

    private sealed class LoadedPlugin(PluginRecord record, PluginLoader loader, ServiceProvider provider) : IAsyncDisposable
    {
        public PluginRecord Record { get; } = record;

        public IReadOnlyList<IInferenceBackend> Backends { get; init; } = [];

        public IReadOnlyList<IPreprocessor> Preprocessors { get; init; } = [];

        public IReadOnlyList<IPostprocessor> Postprocessors { get; init; } = [];

        public IReadOnlyList<IRetriever> Retrievers { get; init; } = [];

        public int Count(PluginKind kind) => kind switch
        {
            PluginKind.Backend => Backends.Count,
            PluginKind.Preprocessor => Preprocessors.Count,
            PluginKind.Postprocessor => Postprocessors.Count,
            _ => Retrievers.Count,
        };

        public async ValueTask DisposeAsync()
        {
            try
            {
                await provider.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                loader.Dispose();
            }
        }
    }

    private sealed class PluginLoadException(string message, bool isDuplicate = false) : Exception(message)
    {
        public bool IsDuplicate { get; } = isDuplicate;
    }
}
