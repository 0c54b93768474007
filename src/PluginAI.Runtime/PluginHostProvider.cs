using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginAI.Hardware;
using PluginAI.Host;
using PluginAI.Host.Hardware;
using PluginAI.Trust;

namespace PluginAI.Runtime;

/// <summary>Starts the plugin host once, on first use, and shares it with every service.</summary>
/// <remarks>Thread-safe: concurrent first callers wait for the same start. Disposed with the service provider.</remarks>
public sealed class PluginHostProvider : IAsyncDisposable
{
    private readonly PluginAIOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Lazy<Task<PluginHost>> _host;
    private readonly Lazy<Task<HardwareProfile>> _hardware;

    /// <summary>Initializes a new instance of the <see cref="PluginHostProvider"/> class.</summary>
    /// <param name="options">The validated options.</param>
    /// <param name="loggerFactory">Where the host and plugins log.</param>
    public PluginHostProvider(IOptions<PluginAIOptions> options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _loggerFactory = loggerFactory;
        _host = new Lazy<Task<PluginHost>>(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
        _hardware = new Lazy<Task<HardwareProfile>>(ProbeAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Gets the paths of the PluginAI home, without starting the host.</summary>
    public PluginAIPaths Paths => new(_options.Host.HomeDirectory);

    /// <summary>Gets the running host, starting it on the first call.</summary>
    /// <param name="cancellationToken">A token to stop waiting; the start itself goes on for other callers.</param>
    /// <returns>The host.</returns>
    public Task<PluginHost> GetAsync(CancellationToken cancellationToken = default) => _host.Value.WaitAsync(cancellationToken);

    /// <summary>Gets the options the host is started with.</summary>
    public PluginAIOptions Options => _options;

    /// <summary>Gets this machine's hardware profile, probed once; it does not start the host or load plugins.</summary>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <returns>The profile the host plans with.</returns>
    public Task<HardwareProfile> GetHardwareAsync(CancellationToken cancellationToken = default) => _hardware.Value.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_host.IsValueCreated && _host.Value.IsCompletedSuccessfully)
        {
            await _host.Value.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<PluginHost> StartAsync()
    {
        var hardware = await _hardware.Value.ConfigureAwait(false);
        return await PluginHost.StartAsync(_options.Host, new StaticHardwareProbe(hardware), _loggerFactory, CancellationToken.None).ConfigureAwait(false);
    }

    private Task<HardwareProfile> ProbeAsync() => (_options.HardwareProbe ?? new HardwareProbe()).ProbeAsync(CancellationToken.None);
}
