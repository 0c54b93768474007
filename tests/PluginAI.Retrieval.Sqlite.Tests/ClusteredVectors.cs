using PluginAI.Processing;
using PluginAI.Retrieval.Sqlite.Internal;

namespace PluginAI.Retrieval.Sqlite.Tests;

/// <summary>
/// Unit vectors drawn around random cluster centres, the shape sentence embeddings have (topics), unlike uniformly
/// random vectors, on which every point is nearly equidistant from every other and no graph index can beat a scan.
/// </summary>
internal sealed class ClusteredVectors(Random random, int dimensions, int clusters, float spread = 0.08f)
{
    private readonly float[][] _centres = Enumerable.Range(0, clusters).Select(_ => TestData.RandomUnitVector(random, dimensions)).ToArray();

    public float[] Next()
    {
        var centre = _centres[random.Next(_centres.Length)];
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = centre[i] + (spread * Gaussian());
        }

        VectorArena.Normalize(vector);
        return vector;
    }

    public DocumentContent Document(string path, int chunks) => new()
    {
        SourcePath = path,
        MediaType = "text/plain",
        Chunks = Enumerable.Range(0, chunks).Select(i => new DocumentChunk { Index = i, Text = $"{path} {i}", Embedding = Next() }).ToList(),
    };

    private float Gaussian() => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
