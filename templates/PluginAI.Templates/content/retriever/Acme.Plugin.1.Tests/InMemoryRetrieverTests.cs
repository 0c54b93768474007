using PluginAI.Processing;
using PluginAI.Retrieval;

namespace Acme.Plugin._1.Tests;

public sealed class InMemoryRetrieverTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "acme-plugin-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task RanksByCosine_AndKeepsDocumentsAcrossReopening()
    {
        await using (var kb = await OpenAsync())
        {
            await kb.UpsertDocumentAsync(new DocumentContent
            {
                SourcePath = "notes/lamps.md",
                MediaType = "text/markdown",
                Content = "lamps"u8.ToArray(),
                Chunks =
                [
                    new DocumentChunk { Index = 0, Text = "The lamp of the lighthouse", Embedding = new float[] { 0.9f, 0.1f, 0 } },
                    new DocumentChunk { Index = 1, Text = "Bread and butter", Embedding = new float[] { 0, 0.2f, 0.9f } },
                ],
            });
        }

        await using var reopened = await OpenAsync();
        var passages = await reopened.SearchAsync(new RetrievalQuery { Text = "lighthouse", Embedding = new float[] { 1, 0, 0 }, Mode = SearchMode.Vector, PathGlob = "notes/**" });

        Assert.Equal(["The lamp of the lighthouse", "Bread and butter"], passages.Select(p => p.Text));
        Assert.True(passages[0].Score > passages[1].Score);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private Task<IKnowledgeBase> OpenAsync() =>
        new InMemoryRetriever().OpenAsync(new KnowledgeBaseOptions { Name = "notes", Directory = _folder, EmbeddingDimensions = 3, EmbeddingModelId = "test-model" });
}
