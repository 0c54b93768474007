using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PluginAI.Cluster;

/// <summary>Runs a repair pass on this node every <see cref="PluginAIClusterOptions.RepairInterval"/>.</summary>
internal sealed partial class RepairService(ClusterNode node, ILogger<RepairService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(node.Options.RepairInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var copied = await node.RepairAsync(stoppingToken).ConfigureAwait(false);
                if (copied > 0)
                {
                    LogRepaired(logger, copied);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogFailed(logger, exception.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Repair copied {Copied} document replicas to their owners")]
    private static partial void LogRepaired(ILogger logger, int copied);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair pass failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
