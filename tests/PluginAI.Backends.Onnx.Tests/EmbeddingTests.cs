using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using PluginAI.Backends;

namespace PluginAI.Backends.Onnx.Tests;

[Collection(MiniLmCollection.Name)]
public sealed class EmbeddingTests(MiniLmFixture fixture)
{
    [Theory]
    [MemberData(nameof(TestSentences.ComparableIndexes), MemberType = typeof(TestSentences))]
    public async Task Embedding_MatchesPackageEncode(int index)
    {
        var text = FixedSentences.ComparableWithPackage[index];
        var ours = (await MiniLmFixture.EmbedAsync(fixture.Model, text))[0];
        var reference = fixture.Reference.Encode([text])[0];

        Assert.True(MiniLmFixture.Cosine(ours, reference) >= 0.9999f, $"cosine {MiniLmFixture.Cosine(ours, reference)} for '{text}'");
    }

    [Fact]
    public async Task InputLongerThan256Tokens_MatchesPackageEncode_WhenBothTruncateAt512()
    {
        var ours = (await MiniLmFixture.EmbedAsync(fixture.Model512, FixedSentences.Long))[0];
        var reference = fixture.Reference.Encode([FixedSentences.Long])[0];

        Assert.True(MiniLmFixture.Cosine(ours, reference) >= 0.9999f, $"cosine {MiniLmFixture.Cosine(ours, reference)}");
    }

    [Fact]
    public async Task InputLongerThan256Tokens_IsTruncatedAt256_ByDefault()
    {
        var vectors = await MiniLmFixture.EmbedAsync(fixture.Model, FixedSentences.Long, FixedSentences.Long + " An extra tail that only a longer limit would see.");
        var untruncated = (await MiniLmFixture.EmbedAsync(fixture.Model512, FixedSentences.Long))[0];

        Assert.Equal(256, fixture.Model.Metadata.ContextSize);
        Assert.True(MiniLmFixture.Cosine(vectors[0], vectors[1]) >= 0.99999f, "text past token 256 changed the embedding");
        Assert.True(MiniLmFixture.Cosine(vectors[0], untruncated) < 0.9999f, "the default model saw past token 256");
    }

    [Theory]
    [MemberData(nameof(TestSentences.DifferentIndexes), MemberType = typeof(TestSentences))]
    public async Task Tokenization_FollowsBertBasicTokenizer_WhereThePackageDiffers(int index)
    {
        var (text, bertEquivalent) = FixedSentences.PackageTokenizesDifferently[index];
        var vectors = await MiniLmFixture.EmbedAsync(fixture.Model, text, bertEquivalent);

        Assert.True(MiniLmFixture.Cosine(vectors[0], vectors[1]) >= 0.99999f, $"'{text}' did not embed like '{bertEquivalent}'");
    }

    [Fact]
    public async Task WordStartingWithDigit_IsSplitIntoWordPieces_NotUnknown()
    {
        // BERT splits "7b" into "7" "##b"; the package's tokenizer maps it to [UNK], one token fewer.
        var embeddings = await fixture.Model.EmbeddingGenerator!.GenerateAsync(["7B model"]);

        Assert.Equal(5, embeddings.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task EmptyString_EmbedsLikeThePackage_AsClsSep()
    {
        var vectors = await MiniLmFixture.EmbedAsync(fixture.Model, string.Empty, "hello");

        Assert.True(MiniLmFixture.Cosine(vectors[0], fixture.Reference.Encode([string.Empty])[0]) >= 0.9999f);
        Assert.True(MiniLmFixture.Cosine(vectors[0], vectors[1]) < 0.99f);
    }

    [Fact]
    public async Task Embeddings_AreUnitLength_With384Dimensions()
    {
        var vectors = await MiniLmFixture.EmbedAsync(fixture.Model, [.. FixedSentences.All]);

        Assert.Equal(FixedSentences.All.Count, vectors.Length);
        Assert.All(vectors, vector =>
        {
            Assert.Equal(384, vector.Length);
            Assert.InRange(TensorPrimitives.Norm<float>(vector), 0.9999f, 1.0001f);
        });
        Assert.Equal(384, fixture.Model.Metadata.EmbeddingDimensions);
    }

    [Fact]
    public async Task Batch_GivesSameVectorsAsOneByOne()
    {
        var batched = await MiniLmFixture.EmbedAsync(fixture.Model, [.. FixedSentences.All]);

        for (var i = 0; i < FixedSentences.All.Count; i++)
        {
            var single = (await MiniLmFixture.EmbedAsync(fixture.Model, FixedSentences.All[i]))[0];
            Assert.True(MiniLmFixture.Cosine(batched[i], single) >= 0.99999f, $"sentence {i}: cosine {MiniLmFixture.Cosine(batched[i], single)}");
            Assert.True(TensorPrimitives.Distance(batched[i], single) < 1e-3f, $"sentence {i}: distance {TensorPrimitives.Distance(batched[i], single)}");
        }
    }

    [Fact]
    public async Task ConcurrentCalls_GiveSameVectorsAsSequentialOnes()
    {
        var expected = await MiniLmFixture.EmbedAsync(fixture.Model, [.. FixedSentences.All]);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => MiniLmFixture.EmbedAsync(fixture.Model, [.. FixedSentences.All]))));

        Assert.All(results, result =>
        {
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(MiniLmFixture.Cosine(expected[i], result[i]) >= 0.99999f);
            }
        });
    }

    [Fact]
    public async Task Generator_ReportsModelIdUsageAndMetadata()
    {
        var generator = fixture.Model.EmbeddingGenerator!;
        var embeddings = await generator.GenerateAsync(["Hello world", "x"]);

        Assert.Equal(2, embeddings.Count);
        Assert.All(embeddings, embedding => Assert.Equal("all-MiniLM-L6-v2", embedding.ModelId));
        Assert.Equal(4 + 3, embeddings.Usage?.InputTokenCount);
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal("onnxruntime", metadata?.ProviderName);
        Assert.Equal(384, metadata?.DefaultModelDimensions);
        Assert.Null(fixture.Model.ChatClient);
    }

    [Fact]
    public async Task EmptyInputList_ReturnsNoEmbeddings()
    {
        var embeddings = await fixture.Model.EmbeddingGenerator!.GenerateAsync([]);

        Assert.Empty(embeddings);
    }

    [Fact]
    public async Task RequestForOtherDimensions_FailsWithPluginException()
    {
        var error = await Assert.ThrowsAsync<PluginException>(() => fixture.Model.EmbeddingGenerator!.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 128 }));

        Assert.Equal("embedding.unsupported-dimensions", error.ErrorCode);
    }

    [Fact]
    public async Task NullValue_FailsWithArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Model.EmbeddingGenerator!.GenerateAsync(["x", null!]));
    }

    [Fact]
    public async Task CancelledToken_CancelsTheCall()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.Model.EmbeddingGenerator!.GenerateAsync(["x"], cancellationToken: cancellation.Token));
    }

    [Fact]
    public void Metadata_ReportsCpuDeviceBertArchitectureAndWhy()
    {
        var metadata = fixture.Model.Metadata;

        Assert.Equal("all-MiniLM-L6-v2", metadata.ModelId);
        Assert.Equal("bert", metadata.Architecture);
        Assert.Equal(ModelCapabilities.Embeddings, metadata.Capabilities);
        Assert.Equal("cpu", metadata.Plan?.Device);
        Assert.Contains("CPU", metadata.Plan!.Reasons["Device"], StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("model.onnx", metadata.ModelPath, StringComparison.Ordinal);
    }

    [Fact]
    public void TokenCounter_CountsWordPieceTokensWithoutSpecialTokens()
    {
        var counter = fixture.Model.EmbeddingGenerator!.GetService(typeof(PluginAI.Processing.ITokenCounter)) as PluginAI.Processing.ITokenCounter;

        Assert.NotNull(counter);
        Assert.Equal(2, counter.CountTokens("hello world"));
        Assert.Equal(0, counter.CountTokens(string.Empty));
        Assert.True(counter.CountTokens(FixedSentences.Long) > 256, "counting does not stop at the model's 256-token input limit");
    }
}
