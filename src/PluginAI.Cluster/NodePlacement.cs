using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace PluginAI.Cluster;

/// <summary>Places a grain on the node (silo) whose name is the grain's key, and nowhere else.</summary>
[GenerateSerializer, Immutable]
public sealed class NodePlacementStrategy : PlacementStrategy
{
    internal static NodePlacementStrategy Instance { get; } = new();
}

/// <summary>Marks a grain class that lives on the node its key names.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodePlacementAttribute : PlacementAttribute
{
    /// <summary>Initializes a new instance of the <see cref="NodePlacementAttribute"/> class.</summary>
    public NodePlacementAttribute()
        : base(NodePlacementStrategy.Instance)
    {
    }
}

internal sealed class NodePlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var name = target.GrainIdentity.Key.ToString();
        var compatible = context.GetCompatibleSilos(target);
        var silo = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && string.Equals(m.Name, name, StringComparison.Ordinal))
            .Select(m => m.SiloAddress)
            .FirstOrDefault(compatible.Contains);
        return silo is not null
            ? Task.FromResult(silo)
            : throw new NodeUnavailableException($"Cluster node '{name}' is not an active member of the cluster.");
    }
}

/// <summary>A node named in a call is not an active member of the cluster.</summary>
[GenerateSerializer]
public sealed class NodeUnavailableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="NodeUnavailableException"/> class.</summary>
    public NodeUnavailableException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NodeUnavailableException"/> class.</summary>
    /// <param name="message">The message.</param>
    public NodeUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NodeUnavailableException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="inner">The cause.</param>
    public NodeUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
