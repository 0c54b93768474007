// Grain code continues on the grain's own scheduler; Orleans' analyzer (ORLEANS0014) forbids ConfigureAwait(false) here.
#pragma warning disable CA2007
using Orleans.Concurrency;
using Orleans.Runtime;
using PluginAI.Retrieval;

namespace PluginAI.Cluster;

/// <summary>Status and search for the whole cluster, coordinated by the node the caller reached.</summary>
[StatelessWorker]
[Reentrant]
internal sealed class CoordinatorGrain(ClusterNode node) : Grain, ICoordinatorGrain
{
    public Task<IngestOutcome> IngestAsync(DocumentUpload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ClusterNode.CheckKnowledgeBaseName(upload.KnowledgeBase);
        return GrainFactory.GetGrain<IDocumentGrain>(upload.KnowledgeBase + "\n" + upload.Key).IngestAsync(upload);
    }

    public async Task<NodeStatus[]> GetStatusAsync()
    {
        var members = node.Members();
        var active = members.Where(m => m.Status == SiloStatus.Active).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var tasks = members
            .Where(m => m.Status == SiloStatus.Active || !active.Contains(m.Name))
            .GroupBy(m => m.Name, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(m => m.Status == SiloStatus.Active).First())
            .Select(async m =>
            {
                if (m.Status != SiloStatus.Active)
                {
                    return new NodeStatus { Name = m.Name, Address = m.Address, State = m.Status.ToString().ToLowerInvariant() };
                }

                try
                {
                    return await node.Node(m.Name).GetStatusAsync();
                }
                catch (Exception exception)
                {
                    return new NodeStatus { Name = m.Name, Address = m.Address, State = "not answering: " + exception.Message };
                }
            });
        return [.. (await Task.WhenAll(tasks)).OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    public async Task<string> RouteAsync(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var statuses = (await GetStatusAsync()).Where(s => s.State == "active").ToList();
        bool Has(string[] names) => names.Any(n => string.Equals(n, model, StringComparison.OrdinalIgnoreCase));
        var loaded = statuses.Where(s => Has(s.ModelsLoaded) && Has(s.ModelsAvailable)).OrderBy(s => s.QueueDepth).ThenBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault();
        if (loaded is not null)
        {
            return loaded.Name;
        }

        var capable = statuses.Where(s => Has(s.ModelsAvailable))
            .OrderBy(s => s.QueueDepth).ThenBy(s => s.ModelsLoaded.Length).ThenBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault();
        return capable?.Name
            ?? throw new KeyNotFoundException($"No live node of the cluster has a model named '{model}'; register it on a node with 'pluginai models add {model} PATH' (nodes have: {string.Join(", ", statuses.SelectMany(s => s.ModelsAvailable).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))}).");
    }

    public async Task<PassageHit[]> SearchAsync(string knowledgeBase, ShardQuery query)
    {
        ClusterNode.CheckKnowledgeBaseName(knowledgeBase);
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrWhiteSpace(query.Text))
        {
            throw new ArgumentException("The search has no query text.");
        }

        if (query.Top is < 1 or > 1000)
        {
            throw new ArgumentException($"Top {query.Top} is out of range: expected 1 to 1000.");
        }

        if ((SearchMode)query.Mode != SearchMode.Keyword && query.Embedding.Length == 0)
        {
            query = new ShardQuery
            {
                Text = query.Text,
                Embedding = await node.EmbedAsync(query.Text),
                Top = query.Top,
                Mode = query.Mode,
                PathGlob = query.PathGlob,
                MediaTypes = query.MediaTypes,
            };
        }

        // Which live node holds which shard, and how fully.
        var live = node.LiveNodes();
        var holdings = new Dictionary<int, List<(string Node, int Documents)>>();
        foreach (var (name, held) in await Task.WhenAll(live.Select(async name => (name, await HoldingsAsync(name, knowledgeBase)))))
        {
            foreach (var holding in held)
            {
                if (!holdings.TryGetValue(holding.Shard, out var list))
                {
                    holdings[holding.Shard] = list = [];
                }

                list.Add((name, holding.Documents));
            }
        }

        if (holdings.Count == 0)
        {
            throw new ArgumentException($"Knowledge base '{knowledgeBase}' has no documents on any live node of the cluster.");
        }

        // One replica per shard: the one holding the most documents, the shard's first owner among equals.
        var candidates = holdings.ToDictionary(
            pair => pair.Key,
            pair =>
            {
                var rank = Replicas.Rank(pair.Key, live);
                return new Queue<string>(pair.Value.OrderByDescending(h => h.Documents).ThenBy(h => IndexOf(rank, h.Node)).Select(h => h.Node));
            });

        // Keyword scores use the statistics of the whole knowledge base, summed over one replica of every shard, so that
        // every shard scores as one knowledge base holding all the chunks would, and the merge by score is exact.
        if ((SearchMode)query.Mode != SearchMode.Vector)
        {
            var parts = await FanOutAsync(candidates, (name, shards) => node.Node(name).GetKeywordStatisticsAsync(knowledgeBase, shards, query.Text), knowledgeBase);
            if (parts.All(p => p is not null))
            {
                query = query.With(ShardKeywordStatistics.From(KeywordStatistics.Sum(parts.Select(p => p!.ToStatistics()))));
            }
        }

        var hits = (await FanOutAsync(candidates, (name, shards) => node.Node(name).SearchAsync(knowledgeBase, shards, query), knowledgeBase)).SelectMany(h => h);
        return [.. hits
            .OrderByDescending(h => h.Score)
            .ThenBy(h => h.SourcePath, StringComparer.Ordinal)
            .ThenBy(h => h.ChunkIndex)
            .Take(query.Top)];
    }

    /// <summary>
    /// Calls one replica of every shard, grouped by node; the shards of a node that fails move to their next replica,
    /// which then stays the first choice for later calls of the same search.
    /// </summary>
    private static async Task<List<T>> FanOutAsync<T>(Dictionary<int, Queue<string>> candidates, Func<string, int[], Task<T>> call, string knowledgeBase)
    {
        var results = new List<T>();
        var pending = candidates.Keys.ToHashSet();
        while (pending.Count > 0)
        {
            var plan = pending
                .Where(shard => candidates[shard].Count > 0)
                .GroupBy(shard => candidates[shard].Peek(), StringComparer.Ordinal)
                .ToList();
            if (plan.Count == 0)
            {
                throw new InvalidOperationException($"Shards {string.Join(", ", pending.Order())} of knowledge base '{knowledgeBase}' have no live replica that answers.");
            }

            var answers = await Task.WhenAll(plan.Select(async group =>
            {
                try
                {
                    return (group, ok: true, value: await call(group.Key, [.. group]));
                }
                catch (Exception exception) when (exception is not ArgumentException)
                {
                    return (group, ok: false, value: default(T)!);
                }
            }));
            foreach (var (group, ok, value) in answers)
            {
                foreach (var shard in group)
                {
                    if (ok)
                    {
                        pending.Remove(shard);
                    }
                    else
                    {
                        candidates[shard].Dequeue();
                    }
                }

                if (ok)
                {
                    results.Add(value);
                }
            }
        }

        return results;
    }

    private async Task<ShardHolding[]> HoldingsAsync(string name, string knowledgeBase)
    {
        try
        {
            return await node.Node(name).GetHoldingsAsync(knowledgeBase);
        }
        catch (Exception exception) when (exception is not ArgumentException)
        {
            return [];
        }
    }

    private static int IndexOf(IReadOnlyList<string> rank, string name)
    {
        for (var i = 0; i < rank.Count; i++)
        {
            if (rank[i] == name)
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
