using Microsoft.Extensions.AI;
using PluginAI.Backends;

namespace Acme.Plugin._1.Tests;

public sealed class RulesBackendTests
{
    private static readonly string s_model = Path.Combine(AppContext.BaseDirectory, "tiny.rules");

    [Fact]
    public async Task AnswersWithTheFirstMatchingRule_OrEchoesThePrompt()
    {
        await using var model = await new RulesBackend().LoadModelAsync(new ModelLoadRequest { ModelPath = s_model });
        var chat = model.ChatClient!;

        var greeting = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello there")]);
        var echo = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "What about bread?")]);

        Assert.Equal("Hello! Ask me about lighthouses.", greeting.Text);
        Assert.Equal("I only know a few rules, but I heard you say: What about bread?", echo.Text);
    }

    [Fact]
    public async Task SimilarTexts_HaveCloserEmbeddingsThanUnrelatedOnes()
    {
        await using var model = await new RulesBackend().LoadModelAsync(new ModelLoadRequest { ModelPath = s_model });

        var vectors = await model.EmbeddingGenerator!.GenerateAsync(["the lighthouse keeper", "a lighthouse keeper's lamp", "quarterly tax returns"]);

        var similar = Cosine(vectors[0].Vector.Span, vectors[1].Vector.Span);
        var unrelated = Cosine(vectors[0].Vector.Span, vectors[2].Vector.Span);
        Assert.True(similar > unrelated, $"similar {similar:F3} should exceed unrelated {unrelated:F3}");
    }

    private static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / MathF.Sqrt(na * nb);
    }
}
