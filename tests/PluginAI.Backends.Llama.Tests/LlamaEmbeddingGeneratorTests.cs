using Microsoft.Extensions.AI;

namespace PluginAI.Backends.Llama.Tests;

public sealed class LlamaEmbeddingGeneratorTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private IEmbeddingGenerator<string, Embedding<float>> Generator => fixture.Model.EmbeddingGenerator!;

    [Fact]
    public async Task Generate_ReturnsNormalisedVectorsOfTheDeclaredDimension()
    {
        var embeddings = await Generator.GenerateAsync(["hello world", "the local model answers the question"]);

        Assert.Equal(2, embeddings.Count);
        Assert.Equal(64, fixture.Model.Metadata.EmbeddingDimensions);
        Assert.Equal(64, Generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions);
        Assert.All(embeddings, e => Assert.Equal(64, e.Vector.Length));
        Assert.All(embeddings, e => Assert.Equal(1.0, Math.Sqrt(e.Vector.ToArray().Sum(v => (double)v * v)), 3));
        Assert.NotEqual(embeddings[0].Vector.ToArray(), embeddings[1].Vector.ToArray());
        Assert.True(embeddings.Usage?.InputTokenCount > 4);
    }

    [Fact]
    public async Task Generate_IsDeterministicForTheSameInput()
    {
        var first = await Generator.GenerateVectorAsync("hello world");
        var second = await Generator.GenerateVectorAsync("hello world");

        Assert.Equal(first.ToArray(), second.ToArray());
    }

    [Fact]
    public async Task Generate_RejectsOtherDimensions()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => Generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 32 }));

        Assert.Contains("64 dimensions", error.Message, StringComparison.Ordinal);
    }
}
