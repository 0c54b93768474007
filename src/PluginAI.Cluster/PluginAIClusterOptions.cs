namespace PluginAI.Cluster;

/// <summary>How a node spreads and keeps a knowledge base's documents.</summary>
public sealed class PluginAIClusterOptions
{
    /// <summary>Gets or sets the number of shards a knowledge base is split into; every node must use the same number.</summary>
    public int Shards { get; set; } = 16;

    /// <summary>Gets or sets how many nodes hold each shard.</summary>
    public int ReplicationFactor { get; set; } = 2;

    /// <summary>Gets or sets how often a node checks that every shard it holds has all its copies.</summary>
    public TimeSpan RepairInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the largest document a node accepts, in bytes.</summary>
    public long MaxDocumentBytes { get; set; } = 64L * 1024 * 1024;
}
