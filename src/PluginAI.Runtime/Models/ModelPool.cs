using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.AI;
using PluginAI.Backends;
using PluginAI.Host;
using PluginAI.Processing;
using PluginAI.Host.Planning;

namespace PluginAI.Runtime.Models;

/// <summary>
/// Loads each model once and shares it with every caller: the command line, the server, Semantic Kernel and the
/// knowledge-base services all take models from here.
/// </summary>
/// <remarks>
/// <para>
/// A model is identified by its resolved file, what it is loaded for and the plan overrides. Concurrent callers of a
/// model that is still loading wait for the one load. A model stays loaded for <see cref="PluginAIOptions.ModelKeepAlive"/>
/// after its last caller lets go of its <see cref="ModelLease"/>. Before a new model is loaded, idle models are unloaded,
/// least recently used first, while the estimated memory of every pooled model would exceed the budget
/// (<see cref="PluginAIOptions.ModelMemoryBudgetBytes"/>). A model in use is never unloaded; when the models in use
/// alone exceed the budget, the new model is still loaded and a warning is logged, since refusing it would fail a
/// request that the machine may well serve with memory-mapped weights.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class ModelPool : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly PluginHostProvider _hosts;
    private readonly PluginAIOptions _options;
    private readonly ILogger _logger;
    private long _loads;
    private long _unloads;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="ModelPool"/> class.</summary>
    /// <param name="hosts">The host whose backends load models.</param>
    /// <param name="options">The keep-alive and memory budget.</param>
    /// <param name="logger">Where loads and unloads are logged.</param>
    public ModelPool(PluginHostProvider hosts, IOptions<PluginAIOptions> options, ILogger<ModelPool> logger)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(options);
        _hosts = hosts;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Gets the number of model loads started since the pool was created.</summary>
    public long LoadCount => Interlocked.Read(ref _loads);

    /// <summary>Gets the number of models unloaded since the pool was created (keep-alive, memory or on request).</summary>
    public long UnloadCount => Interlocked.Read(ref _unloads);

    /// <summary>Gets the models in the pool, loading, in use and idle.</summary>
    /// <returns>One record per pooled model.</returns>
    public IReadOnlyList<PooledModelInfo> List()
    {
        lock (_gate)
        {
            return [.. _entries.Values.Select(e => e.Describe())];
        }
    }

    /// <summary>Gets the memory budget in bytes: the configured one, or three quarters of this machine's memory.</summary>
    /// <param name="cancellationToken">A token to cancel waiting for the host.</param>
    /// <returns>The budget.</returns>
    public async Task<long> GetMemoryBudgetAsync(CancellationToken cancellationToken = default)
    {
        if (_options.ModelMemoryBudgetBytes is { } configured)
        {
            return configured;
        }

        var host = await _hosts.GetAsync(cancellationToken).ConfigureAwait(false);
        var total = host.Hardware.Memory.TotalBytes;
        return total > 0 ? total / 4 * 3 : long.MaxValue;
    }

    /// <summary>Plans how a model would run here, without loading it.</summary>
    /// <param name="nameOrPath">A registered name, a file path, or a built-in model name.</param>
    /// <param name="overrides">The user's choices.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The backend, the file and the plan.</returns>
    /// <exception cref="PluginException">No backend can load the model, or its header is not valid.</exception>
    public async Task<ModelPlan> PlanAsync(string nameOrPath, PlanOverrides? overrides = null, CancellationToken cancellationToken = default)
    {
        var host = await _hosts.GetAsync(cancellationToken).ConfigureAwait(false);
        return ModelResolver.Plan(host, nameOrPath, overrides);
    }

    /// <summary>Takes a model from the pool, loading it if no caller has it loaded.</summary>
    /// <param name="nameOrPath">A registered name, a file path, or a built-in model name.</param>
    /// <param name="capabilities">What the caller needs the model for.</param>
    /// <param name="overrides">The user's device-planning choices; a model loaded with other choices is another model.</param>
    /// <param name="cancellationToken">A token to stop waiting; a load other callers wait for goes on.</param>
    /// <returns>A lease: dispose it when done so the model can go idle.</returns>
    /// <exception cref="PluginException">No backend can load the model, or the backend refused it.</exception>
    public async Task<ModelLease> AcquireAsync(string nameOrPath, ModelCapabilities capabilities, PlanOverrides? overrides = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        var host = await _hosts.GetAsync(cancellationToken).ConfigureAwait(false);
        var plan = ModelResolver.Plan(host, nameOrPath, overrides);
        var key = $"{plan.Path}|{capabilities}|{overrides}";
        var budget = await GetMemoryBudgetAsync(cancellationToken).ConfigureAwait(false);
        Entry entry;
        List<Entry> evicted = [];
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_entries.TryGetValue(key, out entry!))
            {
                entry = new Entry(key, nameOrPath, capabilities, plan, _options.TimeProvider);
                evicted = MakeRoom(entry.MemoryBytes, budget);
                _entries[key] = entry;
                Interlocked.Increment(ref _loads);
                entry.Load = LoadAsync(entry, host);
            }

            entry.Users++;
            entry.StopKeepAlive();
        }

        foreach (var victim in evicted)
        {
            _logger.LogInformation("Unloading idle model {Model} to stay under the memory budget of {Budget} bytes", victim.Name, budget);
            await UnloadEntryAsync(victim).ConfigureAwait(false);
        }

        try
        {
            var model = await entry.Load!.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new ModelLease(this, entry, model, plan);
        }
        catch
        {
            Release(entry);
            throw;
        }
    }

    /// <summary>Unloads an idle model now.</summary>
    /// <param name="nameOrPath">The name or path it was asked for by, or its resolved path.</param>
    /// <returns><see langword="true"/> when at least one idle model was unloaded; a model in use is left alone.</returns>
    public async Task<bool> UnloadAsync(string nameOrPath)
    {
        List<Entry> victims;
        lock (_gate)
        {
            victims = [.. _entries.Values.Where(e => e.Users == 0 && e.Load is { IsCompleted: true } && (string.Equals(e.Name, nameOrPath, StringComparison.OrdinalIgnoreCase) || string.Equals(e.Plan.Path, nameOrPath, StringComparison.Ordinal)))];
            foreach (var victim in victims)
            {
                _entries.Remove(victim.Key);
            }
        }

        foreach (var victim in victims)
        {
            await UnloadEntryAsync(victim).ConfigureAwait(false);
        }

        return victims.Count > 0;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        List<Entry> entries;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            entries = [.. _entries.Values];
            _entries.Clear();
        }

        foreach (var entry in entries)
        {
            await UnloadEntryAsync(entry).ConfigureAwait(false);
        }
    }

    /// <summary>Called by a lease when its caller is done.</summary>
    internal void Release(Entry entry)
    {
        lock (_gate)
        {
            entry.Users--;
            if (entry.Users > 0 || _disposed)
            {
                return;
            }

            entry.IdleSince = _options.TimeProvider.GetUtcNow();
            if (entry.Load is { IsCompletedSuccessfully: false, IsCompleted: true })
            {
                // A failed load is forgotten at once, so that the next caller tries again.
                _entries.Remove(entry.Key);
                return;
            }

            entry.StartKeepAlive(_options.ModelKeepAlive, OnKeepAliveExpired);
        }
    }

    private void OnKeepAliveExpired(Entry entry)
    {
        lock (_gate)
        {
            if (entry.Users > 0 || !_entries.TryGetValue(entry.Key, out var current) || current != entry)
            {
                return;
            }

            _entries.Remove(entry.Key);
        }

        _logger.LogInformation("Unloading model {Model}: idle for {KeepAlive}", entry.Name, _options.ModelKeepAlive);
        _ = UnloadEntryAsync(entry);
    }

    private List<Entry> MakeRoom(long needed, long budget)
    {
        var victims = new List<Entry>();
        var used = _entries.Values.Sum(e => e.MemoryBytes);
        foreach (var idle in _entries.Values.Where(e => e.Users == 0 && e.Load is { IsCompleted: true }).OrderBy(e => e.IdleSince).ToList())
        {
            if (used + needed <= budget)
            {
                break;
            }

            _entries.Remove(idle.Key);
            used -= idle.MemoryBytes;
            victims.Add(idle);
        }

        if (used + needed > budget)
        {
            _logger.LogWarning("Loading a model of about {Needed} bytes with {Used} bytes in use exceeds the pool's memory budget of {Budget} bytes; the models in use are kept", needed, used, budget);
        }

        return victims;
    }

    private async Task<ILoadedModel> LoadAsync(Entry entry, PluginHost host)
    {
        var cacheDirectory = host.Paths.Cache;
        // Let the caller's lock go before the backend does its (possibly long) work.
        await Task.Yield();
        var plan = entry.Plan;
        _logger.LogInformation("Loading model {Model} from {Path} with {Backend}", entry.Name, plan.Path, plan.Backend.Metadata.Name);
        Directory.CreateDirectory(cacheDirectory);
        var model = await plan.Backend.LoadModelAsync(
            new ModelLoadRequest { ModelPath = plan.Path, ModelName = entry.Name, Plan = plan.Plan, Capabilities = entry.Capabilities, CacheDirectory = cacheDirectory },
            CancellationToken.None).ConfigureAwait(false);
        if ((model.Metadata.Capabilities & entry.Capabilities) == 0)
        {
            await model.DisposeAsync().ConfigureAwait(false);
            throw new PluginException($"{plan.Path}: the model cannot {(entry.Capabilities.HasFlag(ModelCapabilities.Chat) ? "generate text" : "compute embeddings")} ({plan.Backend.Metadata.Name} loaded it with {model.Metadata.Capabilities}).") { FilePath = plan.Path, ErrorCode = "model.capability" };
        }

        // Chunkers measure their budget in the embedding model's tokens; they find its counter by the model's id.
        if (entry.Capabilities.HasFlag(ModelCapabilities.Embeddings) && model.EmbeddingGenerator?.GetService<ITokenCounter>() is { } counter)
        {
            entry.TokenCounter = host.TokenCounters.Register(model.Metadata.ModelId, counter);
        }

        lock (_gate)
        {
            entry.LoadedAt = _options.TimeProvider.GetUtcNow();
        }

        return model;
    }

    private async Task UnloadEntryAsync(Entry entry)
    {
        entry.StopKeepAlive();
        entry.TokenCounter?.Dispose();
        Interlocked.Increment(ref _unloads);
        try
        {
            if (entry.Load is { } load)
            {
                var model = await load.ConfigureAwait(false);
                await model.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // A failed load has nothing to unload; a failing unload must not take the caller down.
            _logger.LogDebug(ex, "Unloading model {Model}", entry.Name);
        }
    }

    /// <summary>One pooled model.</summary>
    internal sealed class Entry(string key, string name, ModelCapabilities capabilities, ModelPlan plan, TimeProvider time)
    {
        private ITimer? _keepAlive;

        public string Key { get; } = key;

        public string Name { get; } = name;

        public ModelCapabilities Capabilities { get; } = capabilities;

        public ModelPlan Plan { get; } = plan;

        public Task<ILoadedModel>? Load { get; set; }

        public IDisposable? TokenCounter { get; set; }

        public int Users { get; set; }

        public DateTimeOffset? LoadedAt { get; set; }

        public DateTimeOffset? IdleSince { get; set; }

        public long MemoryBytes { get; } = plan.Plan.EstimatedMemoryBytes > 0
            ? plan.Plan.EstimatedMemoryBytes
            : File.Exists(plan.Path) ? new FileInfo(plan.Path).Length : 0;

        public void StartKeepAlive(TimeSpan keepAlive, Action<Entry> expired)
        {
            StopKeepAlive();
            _keepAlive = time.CreateTimer(_ => expired(this), null, keepAlive, Timeout.InfiniteTimeSpan);
        }

        public void StopKeepAlive()
        {
            _keepAlive?.Dispose();
            _keepAlive = null;
            if (Users > 0)
            {
                IdleSince = null;
            }
        }

        public PooledModelInfo Describe() => new(
            Name,
            Plan.Path,
            Capabilities,
            Plan.Backend.Metadata.Name,
            Load is not { IsCompletedSuccessfully: true } ? PooledModelStatus.Loading : Users > 0 ? PooledModelStatus.InUse : PooledModelStatus.Idle,
            Users,
            LoadedAt,
            Users > 0 ? null : IdleSince,
            MemoryBytes,
            Plan.Plan);
    }
}
