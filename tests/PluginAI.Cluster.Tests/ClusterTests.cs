using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Retrieval;
using PluginAI.Runtime.Ingestion;
using PluginAI.Runtime.Knowledge;

namespace PluginAI.Cluster.Tests;

public sealed class ClusterTests
{
    private static readonly string[] Topics =
    [
        "tidal energy", "sourdough bread", "glacier retreat", "chess openings", "bee colonies", "violin making",
        "solar eclipses", "coral reefs", "medieval castles", "rust compiler", "marathon training", "origami cranes",
        "volcanic soil", "jazz harmony", "lunar craters", "wind turbines", "tea ceremonies", "deep sea fish",
        "bridge cables", "paper recycling",
    ];

    private static MemoryDocumentSource SmallCorpus(int count, int first = 0, Func<int, string>? extra = null)
    {
        var source = new MemoryDocumentSource("test corpus");
        for (var i = first; i < first + count; i++)
        {
            var topic = Topics[i % Topics.Length];
            var text = $"# Notes on {topic}, part {i}\n\nThis note, number {i}, is about {topic}. It explains how {topic} work in practice, "
                + $"what people who study {topic} measure, and why {topic} matter to the region described in note {i}.\n" + (extra?.Invoke(i) ?? string.Empty);
            source.Add($"notes/{i:D3}-{topic.Replace(' ', '-')}.md", Encoding.UTF8.GetBytes(text), "text/markdown");
        }

        return source;
    }

    [Fact]
    public async Task A_corpus_spreads_across_nodes_each_document_is_stored_twice_and_sending_it_again_stores_nothing()
    {
        await using var fixture = await ClusterFixture.StartAsync();
        var source = SmallCorpus(30);

        var report = await fixture.Gateway.IngestAsync(source, "notes", new ClusterIngestOptions { Parallelism = 6 });

        Assert.Empty(report.Failed);
        Assert.Equal(30, report.Added);
        Assert.True(report.PerNode.Count >= 2, $"every document was processed on one node: {string.Join(", ", report.PerNode)}");
        Assert.Equal(30, report.PerNode.Values.Sum());
        var holders = await fixture.HoldersAsync("notes");
        Assert.Equal(30, holders.Count);
        Assert.All(holders, pair => Assert.True(pair.Value.Count == 2 && pair.Value.Distinct().Count() == 2, $"{pair.Key} is held by {string.Join(", ", pair.Value)}"));
        Assert.True(holders.Values.SelectMany(v => v).Distinct().Count() == 3, "the replicas are not spread over all three nodes");

        var again = await fixture.Gateway.IngestAsync(source, "notes");

        Assert.Equal(30, again.Unchanged);
        Assert.Equal(0, again.Added + again.Updated);
        Assert.Empty(again.PerNode);
        Assert.All(await fixture.HoldersAsync("notes"), pair => Assert.Equal(2, pair.Value.Count));

        var status = await fixture.Gateway.GetStatusAsync();
        Assert.Equal(3, status.Length);
        Assert.All(status, s => Assert.Equal("active", s.State));
        Assert.Equal(60, status.Sum(s => s.DocumentsHeld));
        Assert.All(status, s => Assert.True(s.Cores > 0 && s.MemoryBytes > 0, $"{s.Name} reports no hardware"));
    }

    [Fact]
    public async Task Killing_a_node_mid_ingestion_loses_no_document_and_duplicates_none()
    {
        await using var fixture = await ClusterFixture.StartAsync();
        var source = SmallCorpus(40);
        var victim = fixture.Cluster.Silos[2];
        var killed = new TaskCompletionSource();
        var progress = new Progress<ClusterIngestProgress>(p =>
        {
            if (p.Done >= 10 && killed.TrySetResult())
            {
                _ = fixture.Cluster.KillSiloAsync(victim);
            }
        });

        var report = await fixture.Gateway.IngestAsync(source, "notes", new ClusterIngestOptions { Parallelism = 4 }, progress);

        Assert.True(killed.Task.IsCompleted, "the node was not killed during the run");
        Assert.Empty(report.Failed);
        Assert.Equal(40, report.Added + report.Updated + report.Unchanged);

        // Repair gives every document whose second copy was on the killed node a new second copy.
        Dictionary<string, List<string>> holders = [];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            holders = await fixture.HoldersAsync("notes");
            if (holders.Count == 40 && holders.Values.All(v => v.Count == 2))
            {
                break;
            }

            await Task.Delay(500);
        }

        Assert.Equal(40, holders.Count);
        Assert.All(holders, pair => Assert.True(pair.Value.Count == 2 && !pair.Value.Contains(victim.Name), $"{pair.Key} is held by {string.Join(", ", pair.Value)}"));

        var hits = await fixture.Gateway.SearchAsync("notes", "how do glaciers retreat", top: 3, SearchMode.Vector);
        Assert.Contains("glacier", hits[0].SourcePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_that_joins_late_takes_its_shards_and_a_node_that_comes_back_catches_up_with_what_it_missed()
    {
        await using var fixture = await ClusterFixture.StartAsync();
        Assert.Empty((await fixture.Gateway.IngestAsync(SmallCorpus(20), "notes")).Failed);

        // A fourth node joins: it becomes an owner of the shards it ranks first or second on, and is given them.
        var late = await fixture.Cluster.StartAdditionalSiloAsync();
        var live = fixture.Cluster.Silos.Select(s => s.Name).ToList();
        Assert.Equal(4, live.Count);
        await ConvergeAsync(fixture, live, 20, expectedHashes: null);
        Assert.Contains(late.Name, (await fixture.HoldersAsync("notes", live)).Values.SelectMany(v => v));

        // A node leaves; while it is away five documents change and ten are added.
        var away = fixture.Cluster.Silos[1];
        await fixture.Cluster.StopSiloAsync(away);
        await ConvergeAsync(fixture, [.. fixture.Cluster.Silos.Select(s => s.Name)], 20, expectedHashes: null);
        var changed = SmallCorpus(20, extra: i => i < 5 ? "It was revised while one node was away.\n" : string.Empty);
        foreach (var document in await SmallCorpus(10, first: 20).ListAsync([]))
        {
            changed.Add(document.Key, await SmallCorpus(10, first: 20).ReadAsync(document), "text/markdown");
        }

        var report = await fixture.Gateway.IngestAsync(changed, "notes");
        Assert.Empty(report.Failed);
        Assert.Equal(5, report.Updated);
        Assert.Equal(10, report.Added);
        Assert.Equal(15, report.Unchanged);

        // It comes back under its name, with its old copies: repair brings it what it missed and every newer version,
        // and no copy anywhere is left behind at an older version.
        var back = await fixture.Cluster.StartSiloAsync(1, fixture.Cluster.Options);
        try
        {
            var expected = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var document in await changed.ListAsync([]))
            {
                expected[document.Key] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData((await changed.ReadAsync(document)).Span));
            }

            Assert.Equal(away.Name, back.Name);
            live = [.. fixture.Cluster.Silos.Select(s => s.Name).Append(back.Name).Distinct()];
            var holders = await ConvergeAsync(fixture, live, 30, expected);
            Assert.Contains(back.Name, holders.Values.SelectMany(v => v));
        }
        finally
        {
            await back.StopSiloAsync(stopGracefully: true);
            await back.DisposeAsync();
        }
    }

    /// <summary>Whether a document is held exactly by its shard's two owners among the live nodes.</summary>
    private static bool OnOwners(string key, List<string> holders, IReadOnlyList<string> live) =>
        holders.Order(StringComparer.Ordinal).SequenceEqual(Replicas.Owners(Replicas.ShardOf(key, 16), live, 2).Order(StringComparer.Ordinal));

    private static async Task<Dictionary<string, List<string>>> ConvergeAsync(ClusterFixture fixture, IReadOnlyList<string> live, int documents, Dictionary<string, string>? expectedHashes)
    {
        Dictionary<string, List<string>> holders = [];
        Dictionary<string, List<string>> hashes = [];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            hashes = [];
            holders = await fixture.HoldersAsync("notes", live, hashes: hashes);
            if (holders.Count == documents && holders.All(pair => OnOwners(pair.Key, pair.Value, live))
                && (expectedHashes is null || hashes.All(pair => pair.Value.All(h => h == expectedHashes[pair.Key]))))
            {
                return holders;
            }

            await Task.Delay(500);
        }

        Assert.Equal(documents, holders.Count);
        Assert.All(holders, pair => Assert.True(OnOwners(pair.Key, pair.Value, live), $"{pair.Key} is held by {string.Join(", ", pair.Value)}, not by its owners {string.Join(", ", Replicas.Owners(Replicas.ShardOf(pair.Key, 16), live, 2))}"));
        Assert.All(hashes, pair => Assert.True(expectedHashes is null || pair.Value.All(h => h == expectedHashes[pair.Key]), $"{pair.Key} is held at an older version"));
        return holders;
    }

    [Fact]
    public async Task Search_across_shards_equals_a_single_node_knowledge_base_of_the_same_documents()
    {
        var corpus = ClusterFixture.Metadata("RetrievalCorpus");
        var source = new MemoryDocumentSource("pydoc");
        foreach (var path in Directory.EnumerateFiles(corpus, "*.md").Order(StringComparer.Ordinal).Take(12))
        {
            source.Add(Path.GetFileName(path), await File.ReadAllBytesAsync(path), "text/markdown");
        }

        string[] queries = ["encode binary data as text", "parse command line arguments", "find the insertion point in a sorted list", "count how often each item occurs"];
        await using var fixture = await ClusterFixture.StartAsync();
        var report = await fixture.Gateway.IngestAsync(source, "pydoc");
        Assert.Empty(report.Failed);
        Assert.Equal(12, report.Added);

        var single = Path.Combine(fixture.Root, "single");
        await using var services = new ServiceCollection().AddPluginAI(options => ClusterFixture.ConfigureHome(options, single)).BuildServiceProvider();
        await services.GetRequiredService<IngestionService>().IngestAsync("pydoc", source);
        await using var session = await services.GetRequiredService<KnowledgeBaseService>().OpenAsync("pydoc");

        // Keyword and hybrid scores use the whole knowledge base's statistics, summed over the shards, so every mode merges
        // into what one knowledge base gives.
        foreach (var mode in new[] { SearchMode.Vector, SearchMode.Keyword, SearchMode.Hybrid })
        {
            foreach (var query in queries)
            {
                var expected = await SearchService.SearchSessionAsync(session, new SearchRequest { Query = query, Top = 8, Mode = mode });
                var merged = await fixture.Gateway.SearchAsync("pydoc", query, top: 8, mode);
                Assert.True(expected.Count > 0, $"{mode} '{query}' found nothing");
                Assert.Equal(expected.Select(p => (p.SourcePath, p.ChunkIndex)), merged.Select(p => (p.SourcePath, p.ChunkIndex)));
                Assert.All(expected.Zip(merged), pair => Assert.Equal(pair.First.Score, pair.Second.Score, 5));
            }
        }
    }
}
