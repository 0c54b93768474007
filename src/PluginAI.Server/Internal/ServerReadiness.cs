using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PluginAI.Runtime;

namespace PluginAI.Server.Internal;

/// <summary>Starts the plugin host in the background when the server starts; <c>/health</c> reports 503 until it is up.</summary>
internal sealed partial class ServerReadiness(PluginHostProvider hosts, ILogger<ServerReadiness> logger) : IHostedService
{
    private Task? _start;

    public bool IsReady => _start is { IsCompletedSuccessfully: true };

    public string? Failure => _start is { IsFaulted: true } failed ? failed.Exception!.GetBaseException().Message : null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _start = Task.Run(async () =>
        {
            try
            {
                await hosts.GetAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogStartFailed(logger, ex);
                throw;
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "The plugin host failed to start")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);
}
