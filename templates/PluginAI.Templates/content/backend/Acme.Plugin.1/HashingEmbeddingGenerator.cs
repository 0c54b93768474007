using System.Globalization;
using Microsoft.Extensions.AI;
using PluginAI;

namespace Acme.Plugin._1;

/// <summary>
/// Embeds text with the hashing trick: every word and every character trigram adds ±1 to the dimension its FNV-1a hash
/// picks, and the vector is scaled to unit length. Texts that share words point the same way; no weights are needed.
/// </summary>
internal sealed class HashingEmbeddingGenerator(int dimensions, string modelId) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata = new("pluginai-rules", providerUri: null, defaultModelId: modelId, defaultModelDimensions: dimensions);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        cancellationToken.ThrowIfCancellationRequested();
        if (options?.Dimensions is { } requested && requested != dimensions)
        {
            throw new PluginException($"The model {modelId} embeds in {dimensions} dimensions, not {requested}.");
        }

        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            embeddings.Add(new Embedding<float>(Embed(value)) { ModelId = modelId });
        }

        return Task.FromResult(embeddings);
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    private float[] Embed(string text)
    {
        var vector = new float[dimensions];
        var words = text.ToLower(CultureInfo.InvariantCulture).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        foreach (var raw in words)
        {
            var word = raw.Trim('.', ',', ';', ':', '!', '?', '"', '\'', '(', ')');
            if (word.Length == 0)
            {
                continue;
            }

            Add(vector, "w:" + word, 1f);
            var padded = " " + word + " ";
            for (var i = 0; i + 3 <= padded.Length; i++)
            {
                Add(vector, padded.Substring(i, 3), 0.5f);
            }
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm > 0)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] /= norm;
            }
        }

        return vector;
    }

    private static void Add(float[] vector, string feature, float weight)
    {
        var hash = 2166136261u;
        foreach (var c in feature)
        {
            hash = (hash ^ c) * 16777619u;
        }

        vector[(int)(hash % (uint)vector.Length)] += (hash & 0x80000000u) == 0 ? weight : -weight;
    }
}
