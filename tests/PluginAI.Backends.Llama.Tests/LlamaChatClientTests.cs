using System.Diagnostics;
using Microsoft.Extensions.AI;
using PluginAI.Backends.Llama.Internal;
using PluginAI.TestSupport;

namespace PluginAI.Backends.Llama.Tests;

public sealed class LlamaChatClientTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Hello world, what is the answer?")];

    private IChatClient Client => fixture.Model.ChatClient!;

    [Fact]
    public async Task Streaming_SameSeedGivesSameTokens()
    {
        var options = new ChatOptions { Seed = 1234, Temperature = 0.9f, MaxOutputTokens = 24 };

        var first = await Updates.CollectAsync(Client.GetStreamingResponseAsync(s_question, options));
        var second = await Updates.CollectAsync(Client.GetStreamingResponseAsync(s_question, options));

        // Updates carry the text of one token or of several (the scheduler sends at most one every few milliseconds),
        // so the same tokens are compared as the same text.
        Assert.False(string.IsNullOrWhiteSpace(first.Text));
        Assert.Equal(first.Text, second.Text);
    }

    [Fact]
    public async Task Streaming_DifferentSeedsGiveDifferentText()
    {
        var texts = new HashSet<string>();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var response = await Client.GetResponseAsync(s_question, new ChatOptions { Seed = seed, Temperature = 1f, MaxOutputTokens = 24 });
            texts.Add(response.Text);
        }

        Assert.True(texts.Count > 1, "three seeds produced the same text");
    }

    [Fact]
    public async Task GetResponse_StopsAtMaxOutputTokensAndReportsUsage()
    {
        var response = await Client.GetResponseAsync(s_question, new ChatOptions { Seed = 5, MaxOutputTokens = 5 });

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(5, response.Usage?.OutputTokenCount);
        Assert.True(response.Usage?.InputTokenCount > 10);
        Assert.Equal(response.Usage!.InputTokenCount + 5, response.Usage.TotalTokenCount);
        Assert.Equal("tiny-chatml", response.ModelId);
    }

    [Fact]
    public async Task GetResponse_EndsBeforeStopSequence()
    {
        var options = new ChatOptions { Seed = 99, Temperature = 0.7f, MaxOutputTokens = 40 };
        var full = (await Client.GetResponseAsync(s_question, options)).Text;
        Assert.True(full.Length > 12, $"too little text to pick a stop sequence from: '{full}'");
        var stop = full.Substring(8, 3);
        var expected = full[..full.IndexOf(stop, StringComparison.Ordinal)];

        var stopped = await Client.GetResponseAsync(s_question, new ChatOptions { Seed = 99, Temperature = 0.7f, MaxOutputTokens = 40, StopSequences = [stop] });

        Assert.Equal(expected, stopped.Text);
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);
        Assert.DoesNotContain(stop, stopped.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_CancellationMidStreamReturnsPromptly()
    {
        using var cts = new CancellationTokenSource();
        var updates = 0;
        var watch = new Stopwatch();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in Client.GetStreamingResponseAsync(s_question, new ChatOptions { Seed = 3 }, cts.Token))
            {
                if (++updates == 3)
                {
                    watch.Start();
                    await cts.CancelAsync();
                }
            }
        });
        watch.Stop();

        // Not one more token after the cancellation.
        Assert.Equal(3, updates);
        Assert.True(watch.ElapsedMilliseconds < 2000, $"cancellation took {watch.ElapsedMilliseconds} ms");

        // The request left the queue: the next one runs.
        var next = await Client.GetResponseAsync(s_question, new ChatOptions { Seed = 3, MaxOutputTokens = 2 });
        Assert.Equal(2, next.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task GetResponse_QueuesConcurrentCallersWithoutCorruptingState()
    {
        var options = new ChatOptions { Seed = 77, MaxOutputTokens = 16 };
        var expected = (await Client.GetResponseAsync(s_question, options)).Text;

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Client.GetResponseAsync(s_question, options))));

        Assert.All(responses, r => Assert.Equal(expected, r.Text));
    }

    [Fact]
    public async Task GetResponse_ThrowsPluginExceptionWhenPromptExceedsContext()
    {
        var backend = new LlamaBackend(fixture.Logger);
        await using var model = await backend.LoadModelAsync(new() { ModelPath = fixture.ChatMLModelPath, ModelName = "small-context", Plan = TinyModelFixture.Plan(contextSize: 64) });
        var longPrompt = string.Join(' ', Enumerable.Repeat("hello world", 300));

        var error = await Assert.ThrowsAsync<PluginException>(() => model.ChatClient!.GetResponseAsync(longPrompt));

        Assert.Contains("small-context", error.Message, StringComparison.Ordinal);
        Assert.Contains($"context of {model.Metadata.ContextSize} tokens", error.Message, StringComparison.Ordinal);
        Assert.Matches(@"prompt is \d{4} tokens", error.Message);
        Assert.Equal("model.context-overflow", error.ErrorCode);
    }

    [Fact]
    public async Task GetResponse_StopsWithLengthWhenContextFills()
    {
        var backend = new LlamaBackend(fixture.Logger);
        await using var model = await backend.LoadModelAsync(new() { ModelPath = fixture.ChatMLModelPath, Plan = TinyModelFixture.Plan(contextSize: 64) });

        var response = await model.ChatClient!.GetResponseAsync("hello", new ChatOptions { Seed = 1 });

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(model.Metadata.ContextSize, response.Usage!.TotalTokenCount);
    }

    [Fact]
    public void Prompt_UsesModelChatTemplateWhenLlamaCppRecognisesIt()
    {
        var formatter = new PromptFormatter(((LlamaModel)fixture.Model).Weights, TinyLlamaModel.ChatMLTemplate);

        var prompt = formatter.Format([new ChatMessage(ChatRole.User, "hi")]);

        Assert.True(formatter.UsesModelTemplate);
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", prompt);
    }

    [Fact]
    public async Task Prompt_FallsBackToPlainTranscriptWithoutTemplate()
    {
        var backend = new LlamaBackend(fixture.Logger);
        await using var model = (LlamaModel)await backend.LoadModelAsync(new() { ModelPath = fixture.PlainModelPath, Plan = TinyModelFixture.Plan() });
        var formatter = new PromptFormatter(model.Weights, model.Header.ChatTemplate);

        var prompt = formatter.Format([new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "hi")]);
        var response = await model.ChatClient!.GetResponseAsync("hi", new ChatOptions { Seed = 2, MaxOutputTokens = 4 });

        Assert.False(formatter.UsesModelTemplate);
        Assert.Equal("System: Be brief.\nUser: hi\nAssistant:", prompt);
        Assert.Equal(4, response.Usage?.OutputTokenCount);
    }

    [Theory]
    [InlineData("hi")]
    [InlineData("Hello world, what is the answer?")]
    [InlineData("the model answers the question of the user with a local document")]
    public async Task Greedy_RunsToTheTokenLimitOnAModelThatCannotEndGeneration(string user)
    {
        // The benchmarks count on this: both of their paths must generate the number of tokens they were asked for.
        var path = fixture.File("never-ends.gguf");
        TinyLlamaModel.Write(path, new TinyLlamaModelOptions { Seed = 3, ChatTemplate = TinyLlamaModel.ChatMLTemplate, GreedyNeverEnds = true });
        await using var model = await new LlamaBackend(fixture.Logger).LoadModelAsync(new() { ModelPath = path, Plan = TinyModelFixture.Plan() });

        var response = await model.ChatClient!.GetResponseAsync(user, new ChatOptions { Temperature = 0, MaxOutputTokens = 200 });

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(200, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public void GetService_ReturnsChatClientMetadata()
    {
        var metadata = Client.GetService<ChatClientMetadata>();

        Assert.Equal("llama.cpp", metadata?.ProviderName);
        Assert.Equal("tiny-chatml", metadata?.DefaultModelId);
    }
}
