using PluginAI.Processing;

namespace PluginAI.Retrieval.Sqlite.Tests;

/// <summary>
/// The entry point of the test assembly when it runs as a child process: <c>crash-writer &lt;directory&gt;</c> upserts
/// documents forever and prints each committed generation, so a test can kill it in the middle of a write.
/// </summary>
internal static class CrashWriter
{
    public const int ChunksPerDocument = 200;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 2 || args[0] != "crash-writer")
        {
            return 2;
        }

        await using var knowledgeBase = TestData.Open(new KnowledgeBaseOptions { Name = "kb", Directory = args[1], EmbeddingDimensions = 16, EmbeddingModelId = "test-model" });
        var random = new Random(7);
        for (var round = 0; ; round++)
        {
            // Each round rewrites the same few documents, so a kill lands in a replace as often as in an insert.
            var path = $"doc{round % 5}.md";
            var chunks = Enumerable.Range(0, ChunksPerDocument)
                .Select(i => new DocumentChunk { Index = i, Text = $"round {round} chunk {i}", Embedding = TestData.RandomUnitVector(random, 16) })
                .ToList();
            await knowledgeBase.UpsertDocumentAsync(new DocumentContent { SourcePath = path, MediaType = "text/markdown", Chunks = chunks });
            Console.Out.WriteLine($"committed {round}");
            Console.Out.Flush();
        }
    }
}
