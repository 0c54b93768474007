namespace PluginAI.Retrieval.Sqlite.Tests;

public sealed class HnswPersistenceTests : IDisposable
{
    private const int Dimensions = 48;
    private const int Threshold = 1_000;
    private readonly TempKnowledgeBaseFolder _folder = new();
    private readonly ClusteredVectors _space = new(new Random(9), Dimensions, clusters: 20);

    public void Dispose() => _folder.Dispose();

    private KnowledgeBaseOptions Options => _folder.Options(Dimensions);

    private string IndexPath => Path.Combine(_folder.Path, "kb.usearch");

    [Fact]
    public async Task Index_BuiltAboveThreshold_SavedOnCloseAndReusedOnReopen()
    {
        await CreateLargeKnowledgeBaseAsync();
        Assert.True(File.Exists(IndexPath));
        var written = File.GetLastWriteTimeUtc(IndexPath);

        await using var kb = TestData.Open(Options, Threshold);
        await kb.WaitForVectorIndexAsync();

        Assert.True(kb.UsesHnsw);
        Assert.Equal("hnsw", (await kb.GetStatisticsAsync()).VectorIndex);
        Assert.Equal(written, File.GetLastWriteTimeUtc(IndexPath));
        await AssertSearchAgreesWithExactAsync(kb);
    }

    [Fact]
    public async Task Index_BelowThreshold_NotBuilt()
    {
        await using var kb = TestData.Open(Options, Threshold);
        await kb.UpsertDocumentAsync(_space.Document("small.md", Threshold - 1));
        await kb.WaitForVectorIndexAsync();

        Assert.False(kb.UsesHnsw);
        Assert.False(File.Exists(IndexPath));
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("garbage")]
    [InlineData("truncated")]
    public async Task Index_MissingOrCorrupt_RebuiltOnOpen(string damage)
    {
        await CreateLargeKnowledgeBaseAsync();
        switch (damage)
        {
            case "deleted":
                File.Delete(IndexPath);
                break;
            case "garbage":
                var garbage = new byte[new FileInfo(IndexPath).Length];
                new Random(1).NextBytes(garbage);
                await File.WriteAllBytesAsync(IndexPath, garbage);
                break;
            default:
                var bytes = await File.ReadAllBytesAsync(IndexPath);
                await File.WriteAllBytesAsync(IndexPath, bytes[..(bytes.Length / 2)]);
                break;
        }

        await using var kb = TestData.Open(Options, Threshold);
        await kb.WaitForVectorIndexAsync();

        Assert.True(kb.UsesHnsw);
        Assert.True(File.Exists(IndexPath));
        await AssertSearchAgreesWithExactAsync(kb);
    }

    [Fact]
    public async Task Index_OutOfDateWithDatabase_RebuiltAndIncludesNewChunks()
    {
        await CreateLargeKnowledgeBaseAsync();
        var marker = TestData.Axis(Dimensions, 7);

        // A session that never loads the index writes the database, as a killed process would leave it.
        await using (var writer = TestData.Open(Options, int.MaxValue))
        {
            await writer.UpsertDocumentAsync(TestData.Document("late.md", ("late chunk", marker)));
        }

        await using var kb = TestData.Open(Options, Threshold);
        await kb.WaitForVectorIndexAsync();

        Assert.True(kb.UsesHnsw);
        Assert.Equal("late chunk", (await kb.SearchAsync(new RetrievalQuery { Text = string.Empty, Embedding = marker, Top = 1, Mode = SearchMode.Vector })).Single().Text);
    }

    [Fact]
    public async Task Hnsw_KeptInSyncWithUpsertsAndRemovals()
    {
        await using var kb = TestData.Open(Options, Threshold);
        await kb.UpsertDocumentAsync(_space.Document("bulk.md", Threshold + 200));
        await kb.WaitForVectorIndexAsync();
        Assert.True(kb.UsesHnsw);

        var marker = TestData.Axis(Dimensions, 3);
        await kb.UpsertDocumentAsync(TestData.Document("marker.md", ("marker chunk", marker)));
        var found = kb.VectorSearch(marker, 1);
        Assert.Equal("marker chunk", (await kb.SearchAsync(new RetrievalQuery { Text = string.Empty, Embedding = marker, Top = 1, Mode = SearchMode.Vector })).Single().Text);

        await kb.RemoveDocumentAsync("marker.md");
        var after = await kb.SearchAsync(new RetrievalQuery { Text = string.Empty, Embedding = marker, Top = 5, Mode = SearchMode.Vector });
        Assert.Equal(5, after.Count);
        Assert.DoesNotContain(after, h => h.SourcePath == "marker.md");
        Assert.DoesNotContain(kb.VectorSearch(marker, 5), h => h.Id == found[0].Id);
    }

    [Fact]
    public async Task Hnsw_FilteredSearch_ReturnsKMatchingPassages()
    {
        await using var kb = TestData.Open(Options, Threshold);
        await kb.UpsertDocumentAsync(_space.Document("a/bulk.md", Threshold));
        await kb.UpsertDocumentAsync(_space.Document("b/other.txt", 300) with { MediaType = "text/x-other" });
        await kb.WaitForVectorIndexAsync();
        Assert.True(kb.UsesHnsw);

        var hits = await kb.SearchAsync(new RetrievalQuery { Text = string.Empty, Embedding = _space.Next(), Top = 10, Mode = SearchMode.Vector, MediaTypes = ["text/x-other"] });

        Assert.Equal(10, hits.Count);
        Assert.All(hits, h => Assert.Equal("b/other.txt", h.SourcePath));
    }

    private async Task CreateLargeKnowledgeBaseAsync()
    {
        await using var kb = TestData.Open(Options, Threshold);
        for (var d = 0; d < 6; d++)
        {
            await kb.UpsertDocumentAsync(_space.Document($"doc{d}.md", 250));
        }

        await kb.WaitForVectorIndexAsync();
        Assert.True(kb.UsesHnsw);
    }

    private async Task AssertSearchAgreesWithExactAsync(Sqlite.Internal.SqliteKnowledgeBase kb)
    {
        // 50 queries: recall over 500 results varies little from one graph build to the next, so a graph that is
        // really worse fails while a good one built in another order does not.
        var hits = 0;
        for (var q = 0; q < 50; q++)
        {
            var query = _space.Next();
            var exact = kb.ExactSearch(query, 10).Select(h => h.Id).ToHashSet();
            hits += kb.VectorSearch(query, 10).Count(h => exact.Contains(h.Id));
        }

        Assert.True(hits >= 475, $"recall@10 = {hits / 500.0:F3}");
        Assert.Equal(1500, (await kb.GetStatisticsAsync()).Chunks);
    }
}
