using PluginAI.Processing;
using PluginAI.Retrieval.Sqlite.Internal;

namespace PluginAI.Retrieval.Sqlite.Tests;

/// <summary>Temporary knowledge bases and synthetic documents.</summary>
internal sealed class TempKnowledgeBaseFolder : IDisposable
{
    public TempKnowledgeBaseFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pluginai-kb-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public KnowledgeBaseOptions Options(int dimensions = 8, string model = "test-model", string name = "kb") =>
        new() { Name = name, Directory = Path, EmbeddingDimensions = dimensions, EmbeddingModelId = model };

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still mapped by a failed test must not hide that test's own failure.
        }
    }
}

internal static class TestData
{
    public static SqliteKnowledgeBase Open(KnowledgeBaseOptions options, int hnswThreshold = 20_000, HybridFusion fusion = HybridFusion.Calibrated) =>
        new SqliteRetriever(new SqliteRetrieverSettings { HnswThreshold = hnswThreshold, Fusion = fusion }).Open(options);

    public static float[] RandomUnitVector(Random random, int dimensions)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        VectorArena.Normalize(vector);
        return vector;
    }

    /// <summary>A one-hot vector: chunk <paramref name="axis"/> is nearest to the query for that axis.</summary>
    public static float[] Axis(int dimensions, int axis, float weight = 1f)
    {
        var vector = new float[dimensions];
        vector[axis] = weight;
        return vector;
    }

    public static DocumentContent Document(string path, params (string Text, float[] Embedding)[] chunks) =>
        Document(path, "text/markdown", chunks);

    public static DocumentContent Document(string path, string mediaType, params (string Text, float[] Embedding)[] chunks) => new()
    {
        SourcePath = path,
        MediaType = mediaType,
        ContentHash = new string('a', 64),
        Title = System.IO.Path.GetFileNameWithoutExtension(path),
        Chunks = chunks.Select((c, i) => new DocumentChunk { Index = i, Text = c.Text, Embedding = c.Embedding, StartOffset = i * 100, EndOffset = (i * 100) + c.Text.Length }).ToList(),
    };

    public static async Task<List<KnowledgeDocumentInfo>> ListAsync(IKnowledgeBase knowledgeBase)
    {
        var list = new List<KnowledgeDocumentInfo>();
        await foreach (var document in knowledgeBase.ListDocumentsAsync())
        {
            list.Add(document);
        }

        return list;
    }
}
