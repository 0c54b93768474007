using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Processing;
using PluginAI.Retrieval;
using PluginAI.Runtime.Ingestion;
using PluginAI.Runtime.Knowledge;
using PluginAI.Runtime.Models;

namespace PluginAI.Runtime.Tests;

public sealed class IngestionStagesTests
{
    [Fact]
    public async Task DocumentsFromMemory_AreStoredUnderTheirKeys_AndFoundBySearch()
    {
        await using var kb = await KnowledgeHost.StartAsync();
        var source = new MemoryDocumentSource("upload");
        source.Add("upload:lighthouse.md", Encoding.UTF8.GetBytes("# Lighthouses\n\nThe Tower of Hercules is the oldest lighthouse still in use.\n"));
        source.Add("upload:bread.md", Encoding.UTF8.GetBytes("# Baking\n\nSourdough rises because wild yeast ferments the flour.\n"));
        var events = new List<IngestionProgress>();
        var ingestion = kb.Services.GetRequiredService<IngestionService>();

        var report = await ingestion.IngestAsync("uploads", source, progress: new SyncProgress(events));
        var again = await ingestion.IngestAsync("uploads", source);

        Assert.Equal(2, report.Added);
        Assert.Equal(IngestionEventKind.Listed, events[0].Kind);
        Assert.Equal(2, events.Count(e => e.Kind == IngestionEventKind.Stored));
        Assert.Contains(events, e => e.CurrentFile == "upload:bread.md");
        Assert.Equal(2, again.Unchanged);
        await using var session = await kb.OpenAsync("uploads");
        var hits = await KnowledgeHost.SearchAsync(session, "oldest lighthouse", top: 1, SearchMode.Keyword);
        Assert.Equal("upload:lighthouse.md", Assert.Single(hits).SourcePath);
    }

    [Fact]
    public async Task AnotherSink_ReceivesEveryDocumentEmbedded_AndTheLocalStoreIsLeftAlone()
    {
        await using var kb = await KnowledgeHost.StartAsync();
        var source = new MemoryDocumentSource("node-2");
        source.Add("node-2:docs/a.md", Encoding.UTF8.GetBytes("# A\n\nAlpha text about rivers and deltas.\n"));
        source.Add("node-2:docs/empty.md", ReadOnlyMemory<byte>.Empty);
        var sink = new RecordingSink();
        await using var session = await kb.Services.GetRequiredService<KnowledgeBaseService>().OpenAsync("remote", create: true);

        var report = await kb.Services.GetRequiredService<IngestionService>().RunAsync(source, sink, session, new IngestionOptions());

        var stored = Assert.Single(sink.Documents);
        Assert.Equal("node-2:docs/a.md", stored.SourcePath);
        Assert.Equal(session.Embedder.Model.Metadata.ModelId, stored.EmbeddingModelId);
        Assert.All(stored.Chunks, c => Assert.Equal(session.Info.Dimensions, c.Embedding.Length));
        Assert.Equal("the file is empty", Assert.Single(report.Skipped).Reason);
        Assert.Equal(0, (await session.Store.GetStatisticsAsync()).Documents);
    }

    [Fact]
    public async Task EmbeddingModelsTokenCounter_IsOfferedToPluginsWhileLoaded()
    {
        await using var kb = await KnowledgeHost.StartAsync(configure: o => o.ModelKeepAlive = TimeSpan.Zero);
        var hosts = kb.Services.GetRequiredService<PluginHostProvider>();
        var host = await hosts.GetAsync();
        string modelId;
        await using (var session = await kb.Services.GetRequiredService<KnowledgeBaseService>().OpenAsync("counted", create: true))
        {
            modelId = session.Embedder.Model.Metadata.ModelId;
            var counter = host.TokenCounters.GetTokenCounter(modelId);
            Assert.NotNull(counter);
            Assert.InRange(counter.CountTokens("Sourdough rises because wild yeast ferments the flour."), 8, 30);
        }

        await WaitUntilAsync(() => kb.Services.GetRequiredService<ModelPool>().List().Count == 0);
        Assert.Null(host.TokenCounters.GetTokenCounter(modelId));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // The pool unloads on a timer; a keep-alive of zero fires at once, on another thread.
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition());
    }

    private sealed class SyncProgress(List<IngestionProgress> events) : IProgress<IngestionProgress>
    {
        public void Report(IngestionProgress value)
        {
            lock (events)
            {
                events.Add(value);
            }
        }
    }

    private sealed class RecordingSink : IDocumentSink
    {
        public List<DocumentContent> Documents { get; } = [];

        public Task<IReadOnlyDictionary<string, string>> GetStoredHashesAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

        public Task StoreAsync(DocumentContent document, CancellationToken cancellationToken = default)
        {
            lock (Documents)
            {
                Documents.Add(document);
            }

            return Task.CompletedTask;
        }

        public Task<bool> RemoveAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(false);
    }
}
