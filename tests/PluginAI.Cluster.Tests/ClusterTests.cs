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

    private static MemoryDocumentSource SmallCorpus(int count)
    {
        var source = new MemoryDocumentSource("test corpus");
        for (var i = 0; i < count; i++)
        {
            var topic = Topics[i % Topics.Length];
            var text = $"# Notes on {topic}, part {i}\n\nThis note, number {i}, is about {topic}. It explains how {topic} work in practice, "
                + $"what people who study {topic} measure, and why {topic} matter to the region described in note {i}.\n";
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

        foreach (var query in queries)
        {
            var expected = await SearchService.SearchSessionAsync(session, new SearchRequest { Query = query, Top = 8, Mode = SearchMode.Vector });
            var merged = await fixture.Gateway.SearchAsync("pydoc", query, top: 8, SearchMode.Vector);
            Assert.Equal(expected.Select(p => (p.SourcePath, p.ChunkIndex)), merged.Select(p => (p.SourcePath, p.ChunkIndex)));
            Assert.All(expected.Zip(merged), pair => Assert.Equal(pair.First.Score, pair.Second.Score, 5));
        }
    }
}
