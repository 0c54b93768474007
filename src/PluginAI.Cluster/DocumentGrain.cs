// Grain code continues on the grain's own scheduler; Orleans' analyzer (ORLEANS0014) forbids ConfigureAwait(false) here.
#pragma warning disable CA2007
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace PluginAI.Cluster;

/// <summary>
/// Ingests one document, keyed by knowledge base and document key. Placement counts activations: each activation is a
/// document in progress, so the node with the fewest documents in progress takes the next one. Calls for one key are
/// served one at a time, so a document sent twice at once is processed once.
/// </summary>
[ActivationCountBasedPlacement]
internal sealed partial class DocumentGrain(ClusterNode node, ILogger<DocumentGrain> logger) : Grain, IDocumentGrain
{
    public async Task<IngestOutcome> IngestAsync(DocumentUpload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ClusterNode.CheckKnowledgeBaseName(upload.KnowledgeBase);
        if (upload.Content.LongLength > node.Options.MaxDocumentBytes)
        {
            throw new ArgumentException($"Document '{upload.Key}' has {upload.Content.LongLength} bytes; the cluster accepts at most {node.Options.MaxDocumentBytes}.");
        }

        var shard = node.ShardOf(upload.Key);
        var ranked = Replicas.Rank(shard, node.LiveNodes());
        var wanted = Math.Min(node.Options.ReplicationFactor, ranked.Count);
        var owners = ranked.Take(wanted).ToList();
        var held = await Task.WhenAll(owners.Select(owner => FindAsync(owner, upload.KnowledgeBase, shard, upload.Key)));
        if (held.All(h => h is not null && h.ContentHash == upload.ContentHash))
        {
            DeactivateOnIdle();
            return new IngestOutcome { Key = upload.Key, Status = IngestStatus.Unchanged, StoredOn = [.. owners], Chunks = held[0]?.Chunks ?? 0, Shard = shard };
        }

        var (replica, reason) = await node.ProcessAsync(upload);
        if (replica is null)
        {
            DeactivateOnIdle();
            return new IngestOutcome { Key = upload.Key, Status = IngestStatus.Skipped, Processor = node.Name, Reason = reason, Shard = shard };
        }

        var stored = new List<string>();
        foreach (var candidate in ranked)
        {
            if (stored.Count == wanted)
            {
                break;
            }

            try
            {
                await node.Node(candidate).StoreAsync(upload.KnowledgeBase, shard, replica);
                stored.Add(candidate);
            }
            catch (Exception exception) when (exception is not ArgumentException)
            {
                LogStoreFailed(logger, upload.Key, candidate, exception.Message);
            }
        }

        if (stored.Count < wanted)
        {
            throw new InvalidOperationException($"Document '{upload.Key}' was stored on {stored.Count} of {wanted} nodes ({string.Join(", ", stored)}); it will be sent again.");
        }

        DeactivateOnIdle();
        return new IngestOutcome
        {
            Key = upload.Key,
            Status = held.Any(h => h is not null && h.ContentHash != upload.ContentHash) ? IngestStatus.Updated
                : held.Any(h => h is not null) ? IngestStatus.Unchanged
                : IngestStatus.Added,
            Processor = node.Name,
            StoredOn = [.. stored],
            Chunks = replica.Stored.Chunks,
            Shard = shard,
        };
    }

    private async Task<StoredDocument?> FindAsync(string owner, string knowledgeBase, int shard, string key)
    {
        try
        {
            return await node.Node(owner).FindAsync(knowledgeBase, shard, key);
        }
        catch (Exception exception) when (exception is not ArgumentException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing {Key} on {Node} failed, trying the next node: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, string key, string node, string reason);
}
