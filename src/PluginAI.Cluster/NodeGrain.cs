// Grain code continues on the grain's own scheduler; Orleans' analyzer (ORLEANS0014) forbids ConfigureAwait(false) here.
#pragma warning disable CA2007
using Orleans.Concurrency;

namespace PluginAI.Cluster;

/// <summary>The node's store, reached through Orleans; it lives on the node its key names.</summary>
[NodePlacement]
[Reentrant]
internal sealed class NodeGrain(ClusterNode node) : Grain, INodeGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var name = this.GetPrimaryKeyString();
        return name == node.Name
            ? Task.CompletedTask
            : throw new NodeUnavailableException($"Cluster node '{name}' was placed on node '{node.Name}'.");
    }

    public Task<NodeStatus> GetStatusAsync() => node.GetStatusAsync();

    public Task<ShardHolding[]> GetHoldingsAsync(string knowledgeBase) => Task.FromResult(node.GetHoldings(knowledgeBase));

    public Task<StoredDocument[]> ListAsync(string knowledgeBase, int shard)
    {
        ClusterNode.CheckKnowledgeBaseName(knowledgeBase);
        return Task.FromResult(node.List(knowledgeBase, shard));
    }

    public Task<StoredDocument?> FindAsync(string knowledgeBase, int shard, string key)
    {
        ClusterNode.CheckKnowledgeBaseName(knowledgeBase);
        return Task.FromResult(node.Find(knowledgeBase, shard, key));
    }

    public Task<bool> StoreAsync(string knowledgeBase, int shard, ReplicaDocument document) => node.StoreAsync(knowledgeBase, shard, document);

    public Task<ReplicaDocument?> ReadAsync(string knowledgeBase, int shard, string key)
    {
        ClusterNode.CheckKnowledgeBaseName(knowledgeBase);
        return node.ReadAsync(knowledgeBase, shard, key);
    }

    public Task<ShardKeywordStatistics?> GetKeywordStatisticsAsync(string knowledgeBase, int[] shards, string text) =>
        node.GetKeywordStatisticsAsync(knowledgeBase, shards, text);

    public Task<PassageHit[]> SearchAsync(string knowledgeBase, int[] shards, ShardQuery query) => node.SearchAsync(knowledgeBase, shards, query);

    public Task<int> RepairAsync() => node.RepairAsync();

    public Task<string[]> GetModelsAsync() => Task.FromResult(node.ChatModels());

    public IAsyncEnumerable<string> ChatAsync(string model, string messagesJson, string? optionsJson, CancellationToken cancellationToken = default) =>
        node.ChatAsync(model, messagesJson, optionsJson, cancellationToken);
}
