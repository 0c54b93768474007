using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PluginAI.Cluster;

/// <summary>
/// Which shard a document belongs to and which nodes hold a shard: rendezvous (highest random weight) hashing, so that
/// every node computes the same answer from the same membership, and a node joining or leaving moves only the shards it
/// ranks high on.
/// </summary>
public static class Replicas
{
    /// <summary>Gets the shard of a document key.</summary>
    /// <param name="key">The document's key.</param>
    /// <param name="shards">The number of shards.</param>
    /// <returns>The shard, from 0 to <paramref name="shards"/> - 1.</returns>
    public static int ShardOf(string key, int shards)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return (int)(BinaryPrimitives.ReadUInt32BigEndian(hash) % (uint)shards);
    }

    /// <summary>Orders nodes by their rank for a shard: the first <c>replication factor</c> of the live ones hold it.</summary>
    /// <param name="shard">The shard.</param>
    /// <param name="nodes">The node names.</param>
    /// <returns>The nodes, best first.</returns>
    public static IReadOnlyList<string> Rank(int shard, IEnumerable<string> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return [.. nodes.Distinct(StringComparer.Ordinal).OrderByDescending(node => Weight(shard, node)).ThenBy(node => node, StringComparer.Ordinal)];
    }

    /// <summary>Gets the nodes that should hold a shard.</summary>
    /// <param name="shard">The shard.</param>
    /// <param name="liveNodes">The live node names.</param>
    /// <param name="replicationFactor">The number of copies.</param>
    /// <returns>The nodes, best first.</returns>
    public static IReadOnlyList<string> Owners(int shard, IEnumerable<string> liveNodes, int replicationFactor) =>
        [.. Rank(shard, liveNodes).Take(replicationFactor)];

    private static ulong Weight(int shard, string node)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{shard}/{node}")), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }
}
