using PluginAI.Processing;
using PluginAI.Retrieval;
using Xunit;

namespace PluginAI.Testing;

/// <summary>
/// The conformance suite for retrievers. Inherit it in your retriever's test project and implement
/// <see cref="CreateRetriever"/>; every test below then runs against knowledge bases your retriever opens in a scratch folder.
/// </summary>
/// <remarks>
/// The suite uses 8-dimensional unit vectors along the axes, so expected rankings are exact. It checks what every host
/// relies on: upsert replaces a document whole, removal, listing, statistics, a cancelled upsert stores nothing, vectors
/// of another model are refused, and searches run while documents are written.
/// </remarks>
public abstract class RetrieverConformanceTests : IDisposable
{
    private const int Dimensions = 8;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pluginai-retriever-conformance", Guid.NewGuid().ToString("N"));

    /// <summary>Creates the retriever under test.</summary>
    /// <returns>The retriever.</returns>
    protected abstract IRetriever CreateRetriever();

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Deletes the scratch folder.</summary>
    /// <param name="disposing">Whether managed state is being disposed.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>A stored document is found by vector and by keyword, and its chunks keep where they came from.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Upsert_ThenSearch_FindsChunksWithTheirSource()
    {
        await using var kb = await OpenAsync();
        await kb.UpsertDocumentAsync(Document("docs/a.md", ("alpha lighthouse", 0), ("beta bread", 1)));

        var byVector = await kb.SearchAsync(new RetrievalQuery { Text = "unrelated", Embedding = Axis(1), Top = 1, Mode = SearchMode.Vector });
        var passage = Assert.Single(byVector);
        Assert.Equal("beta bread", passage.Text);
        Assert.Equal("docs/a.md", passage.SourcePath);
        Assert.Equal("Section 1", passage.Section);

        var byKeyword = await kb.SearchAsync(new RetrievalQuery { Text = "lighthouse", Top = 1, Mode = SearchMode.Keyword });
        Assert.Equal("alpha lighthouse", Assert.Single(byKeyword).Text);
    }

    /// <summary>Upserting a document again replaces all its chunks; removing it removes them.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Upsert_ReplacesWholeDocument_AndRemoveDeletesIt()
    {
        await using var kb = await OpenAsync();
        await kb.UpsertDocumentAsync(Document("a.md", ("old one", 0), ("old two", 1), ("old three", 2)));
        await kb.UpsertDocumentAsync(Document("a.md", ("new only", 3)));

        var statistics = await kb.GetStatisticsAsync();
        Assert.Equal((1L, 1L), (statistics.Documents, statistics.Chunks));
        Assert.Empty(await kb.SearchAsync(new RetrievalQuery { Text = "old", Top = 5, Mode = SearchMode.Keyword }));

        Assert.True(await kb.RemoveDocumentAsync("a.md"));
        Assert.False(await kb.RemoveDocumentAsync("a.md"));
        Assert.Equal(0L, (await kb.GetStatisticsAsync()).Chunks);
    }

    /// <summary>Documents are listed by source path with their hash and chunk count.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task List_ReturnsDocumentsOrderedByPath()
    {
        await using var kb = await OpenAsync();
        await kb.UpsertDocumentAsync(Document("b.md", ("b", 0)));
        await kb.UpsertDocumentAsync(Document("a.md", ("a one", 1), ("a two", 2)));

        var listed = new List<KnowledgeDocumentInfo>();
        await foreach (var document in kb.ListDocumentsAsync())
        {
            listed.Add(document);
        }

        Assert.Equal(["a.md", "b.md"], listed.Select(d => d.SourcePath));
        Assert.Equal(2, listed[0].ChunkCount);
        Assert.Equal(Hash("a.md"), listed[0].ContentHash);
    }

    /// <summary>A cancelled upsert leaves the knowledge base as it was.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Upsert_Cancelled_StoresNothing()
    {
        await using var kb = await OpenAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => kb.UpsertDocumentAsync(Document("a.md", ("text", 0)), cts.Token));
        Assert.Equal(0L, (await kb.GetStatisticsAsync()).Documents);
    }

    /// <summary>Reopening a knowledge base for another embedding model is a <see cref="PluginException"/>.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Open_WithAnotherEmbeddingModel_IsRefused()
    {
        await using (var kb = await OpenAsync())
        {
            await kb.UpsertDocumentAsync(Document("a.md", ("text", 0)));
        }

        await Assert.ThrowsAsync<PluginException>(() => OpenAsync("another-model"));
    }

    /// <summary>Searches run while documents are being written.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Search_DuringWrites_IsSafe()
    {
        await using var kb = await OpenAsync();
        await kb.UpsertDocumentAsync(Document("seed.md", ("seed", 0)));
        var writes = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await kb.UpsertDocumentAsync(Document($"doc{i}.md", ($"text {i}", i % Dimensions)));
            }
        });
        var searches = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                Assert.NotEmpty(await kb.SearchAsync(new RetrievalQuery { Text = "text", Embedding = Axis(i % Dimensions), Top = 3 }));
            }
        });
        await Task.WhenAll(writes, searches);
        Assert.Equal(41L, (await kb.GetStatisticsAsync()).Documents);
    }

    private Task<IKnowledgeBase> OpenAsync(string model = "conformance-model") =>
        CreateRetriever().OpenAsync(new KnowledgeBaseOptions { Name = "conformance", Directory = _folder, EmbeddingDimensions = Dimensions, EmbeddingModelId = model });

    private static DocumentContent Document(string path, params (string Text, int Axis)[] chunks) => new()
    {
        SourcePath = path,
        MediaType = "text/markdown",
        ContentHash = Hash(path),
        LastModified = DateTimeOffset.UnixEpoch,
        Chunks = [.. chunks.Select((c, i) => new DocumentChunk { Index = i, Text = c.Text, Section = $"Section {c.Axis}", StartOffset = i * 100, EndOffset = (i * 100) + c.Text.Length, Embedding = Axis(c.Axis) })],
    };

    private static float[] Axis(int axis)
    {
        var vector = new float[Dimensions];
        vector[axis] = 1;
        return vector;
    }

    private static string Hash(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path)));
}
