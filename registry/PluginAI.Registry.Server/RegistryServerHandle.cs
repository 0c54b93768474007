using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace PluginAI.Registry.Server;

/// <summary>A running registry server.</summary>
public sealed class RegistryServerHandle : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    internal RegistryServerHandle(WebApplication app, IReadOnlyList<Uri> addresses)
    {
        _app = app;
        Addresses = addresses;
        BaseAddress = addresses[0];
    }

    /// <summary>Gets the first address the server listens on, ending with <c>/</c>, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets every address the server listens on.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>Gets the NuGet v3 service index, the URL package sources point at.</summary>
    public Uri ServiceIndexUri => new(BaseAddress, "v3/index.json");

    /// <summary>Waits until the server stops, by <see cref="StopAsync"/> or by the token.</summary>
    /// <param name="cancellationToken">A token that stops the server when cancelled.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => ((IHost)_app).WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting requests and lets running ones finish.</summary>
    /// <param name="cancellationToken">A token that makes the stop no longer graceful.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
