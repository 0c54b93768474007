using PluginAI.Processing;
using PluginAI.Retrieval.Sqlite.Internal;

namespace PluginAI.Retrieval.Sqlite.Tests;

public sealed class HnswIndexTests : IDisposable
{
    private const int Dimensions = 384;
    private readonly TempKnowledgeBaseFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Hnsw_Recall10AgainstExactOn30kClusteredVectors_IsAtLeast095()
    {
        var random = new Random(42);
        var space = new ClusteredVectors(random, Dimensions, clusters: 200);
        var options = _folder.Options(Dimensions);
        await using var kb = TestData.Open(options, hnswThreshold: 20_000);
        for (var d = 0; d < 300; d++)
        {
            await kb.UpsertDocumentAsync(space.Document($"doc{d}.md", 100));
        }

        await kb.WaitForVectorIndexAsync();
        Assert.True(kb.UsesHnsw);

        var hits = 0;
        const int Queries = 100;
        for (var q = 0; q < Queries; q++)
        {
            var query = space.Next();
            var exact = kb.ExactSearch(query, 10).Select(h => h.Id).ToHashSet();
            hits += kb.VectorSearch(query, 10).Count(h => exact.Contains(h.Id));
        }

        var recall = hits / (10.0 * Queries);
        Assert.True(recall >= 0.95, $"recall@10 = {recall:F3}");
    }

}
