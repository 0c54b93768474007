using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace PluginAI.Server;

/// <summary>A running server: where it listens and how to stop it.</summary>
public sealed class PluginAIServerHandle : IAsyncDisposable
{
    private readonly WebApplication _app;

    internal PluginAIServerHandle(WebApplication app, IReadOnlyList<Uri> addresses)
    {
        _app = app;
        Addresses = addresses;
    }

    /// <summary>Gets the addresses the server listens on, with the ports it got.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>Gets the first address, for clients.</summary>
    public Uri BaseAddress => Addresses[0];

    /// <summary>Gets the server's services: the application layer among them.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Waits until the server is stopped (by <see cref="StopAsync"/> or the host's shutdown signal).</summary>
    /// <param name="cancellationToken">A token that stops the server when cancelled.</param>
    /// <returns>A task that completes when it has stopped.</returns>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting requests and lets those in flight finish.</summary>
    /// <param name="cancellationToken">A token that ends the graceful wait.</param>
    /// <returns>A task that completes when stopped.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
