using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PluginAI.Cluster;

/// <summary>Makes an Orleans silo a PluginAI cluster node.</summary>
public static class PluginAIClusterExtensions
{
    /// <summary>
    /// Adds the node's store, its placement and its repair loop to a silo. The silo's services must also have
    /// <c>AddPluginAI()</c>: a node runs the same plugins, model pool and services as a local host.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the shard count, replication factor and repair interval.</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder AddPluginAINode(this ISiloBuilder builder, Action<PluginAIClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<PluginAIClusterOptions>()
            .Validate(o => o.Shards is >= 1 and <= 4096, "Shards must be 1 to 4096.")
            .Validate(o => o.ReplicationFactor is >= 1 and <= 16, "ReplicationFactor must be 1 to 16.")
            .Validate(o => o.RepairInterval > TimeSpan.Zero, "RepairInterval must be positive.");
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.AddPlacementDirector<NodePlacementStrategy, NodePlacementDirector>();
        builder.Services.TryAddSingleton<ClusterNode>();
        builder.Services.AddHostedService<RepairService>();
        return builder;
    }
}
