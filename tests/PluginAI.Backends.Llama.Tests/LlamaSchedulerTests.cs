using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using PluginAI.Backends.Llama.Internal;
using PluginAI.TestSupport;

namespace PluginAI.Backends.Llama.Tests;

/// <summary>Continuous batching on the trained stories260K model: several requests at once, as the server sends them.</summary>
public sealed class LlamaSchedulerTests(StoriesModelFixture fixture) : IClassFixture<StoriesModelFixture>
{
    private static readonly string[] s_prompts =
    [
        "Once upon a time there was a little girl named Lily.",
        "The dog ran to the park and saw a big tree.",
        "Tom had a red ball. He liked to play with it.",
        "The sun was hot and the bird wanted some water.",
    ];

    private static readonly string s_sharedPrefix = string.Join(' ', Enumerable.Repeat("Lily and Tom went to the park to play with the ball.", 8));

    private static ChatOptions Greedy(int maxTokens) => new() { Temperature = 0, Seed = 1, MaxOutputTokens = maxTokens };

    [Fact]
    public async Task ConcurrentGreedyStreams_EachMatchesItsSoloRun()
    {
        // Alone: the fixture's model runs one sequence at a time on a context of its own.
        var solo = new List<string>();
        foreach (var prompt in s_prompts)
        {
            solo.Add((await fixture.Model.ChatClient!.GetResponseAsync(prompt, Greedy(48))).Text);
        }

        await using var model = await LoadAsync("stories-parallel", parallel: 4);
        var widest = 0;
        Scheduler(model).StepObserver = (generating, _) => widest = Math.Max(widest, generating);

        var together = await Task.WhenAll(s_prompts.Select(p => Task.Run(() => Updates.CollectAsync(model.ChatClient!.GetStreamingResponseAsync(p, Greedy(48))))));

        Assert.True(widest >= 2, $"the streams never shared a step (widest batch: {widest} generating)");
        for (var i = 0; i < s_prompts.Length; i++)
        {
            Assert.False(string.IsNullOrWhiteSpace(solo[i]));
            Assert.Equal(solo[i], together[i].Text);
        }
    }

    [Fact]
    public async Task CancelledStream_FreesItsSequenceAndTheNextRequestRuns()
    {
        await using var model = await LoadAsync("stories-cancel", parallel: 2);
        var scheduler = Scheduler(model);
        using var active = new InstrumentSum(LlamaMetrics.ActiveSequencesName, "stories-cancel");
        using var cts = new CancellationTokenSource();
        var updates = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in model.ChatClient!.GetStreamingResponseAsync(s_prompts[0], Greedy(400), cts.Token))
            {
                if (++updates == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });

        await UntilAsync(() => scheduler.ActiveSequences == 0 && scheduler.Outstanding == 0);
        Assert.Equal(3, updates);
        Assert.Equal(0, active.Sum);

        var next = await model.ChatClient!.GetResponseAsync(s_prompts[1], Greedy(4));
        Assert.Equal(4, next.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task FullQueue_RefusesAtOnceWithModelOverloaded()
    {
        await using var model = await LoadAsync("stories-queue", parallel: 1, queue: 1);
        var scheduler = Scheduler(model);
        using var firstStep = new SemaphoreSlim(0);
        using var resume = new ManualResetEventSlim();
        scheduler.StepObserver = (_, _) =>
        {
            // Holds the scheduler after its first step, so that the running request cannot finish while the queue fills.
            firstStep.Release();
            resume.Wait();
        };

        var running = Task.Run(() => model.ChatClient!.GetResponseAsync(s_prompts[0], Greedy(8)));
        await firstStep.WaitAsync();
        var queued = Task.Run(() => model.ChatClient!.GetResponseAsync(s_prompts[1], Greedy(8)));
        await UntilAsync(() => scheduler.Outstanding == 2);

        var refused = await Assert.ThrowsAsync<PluginException>(() => model.ChatClient!.GetResponseAsync(s_prompts[2], Greedy(8)));

        scheduler.StepObserver = null;
        resume.Set();
        Assert.Equal("model.overloaded", refused.ErrorCode);
        Assert.Contains("stories-queue", refused.Message, StringComparison.Ordinal);
        Assert.Equal(8, (await running).Usage?.OutputTokenCount);
        Assert.Equal(8, (await queued).Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task PromptLongerThanTheContext_IsRefusedWithContextOverflow()
    {
        await using var model = await LoadAsync("stories-overflow", parallel: 4, context: 256);
        var prompt = string.Join(' ', Enumerable.Repeat(s_prompts[0], 40));

        var error = await Assert.ThrowsAsync<PluginException>(() => model.ChatClient!.GetResponseAsync(prompt, Greedy(4)));

        Assert.Equal("model.context-overflow", error.ErrorCode);
        Assert.Equal(0, Scheduler(model).Outstanding);
    }

    [Fact]
    public async Task SharedPrefix_ReusesCachedTokensAndGivesTheSameGreedyOutput()
    {
        await using var model = await LoadAsync("stories-prefix", parallel: 2);
        using var cachedCounter = new InstrumentSum(LlamaMetrics.PromptTokensCachedName, "stories-prefix");
        var first = s_sharedPrefix + " " + s_prompts[0];
        var second = s_sharedPrefix + " " + s_prompts[1];

        var uncached = await model.ChatClient!.GetResponseAsync(second, Greedy(40));
        Scheduler(model).ForgetCachedPrompts();
        await model.ChatClient!.GetResponseAsync(first, Greedy(40));
        var cached = await model.ChatClient!.GetResponseAsync(second, Greedy(40));

        Assert.Equal(0, uncached.Usage?.CachedInputTokenCount);
        Assert.True(cached.Usage?.CachedInputTokenCount > 60, $"cached {cached.Usage?.CachedInputTokenCount} of {cached.Usage?.InputTokenCount} prompt tokens");
        Assert.True(cached.Usage!.CachedInputTokenCount < cached.Usage.InputTokenCount);
        Assert.Equal((double)cached.Usage.CachedInputTokenCount!.Value, cachedCounter.Sum);
        Assert.Equal(uncached.Text, cached.Text);
        Assert.Equal(uncached.Usage!.InputTokenCount, cached.Usage.InputTokenCount);
    }

    [Fact]
    public async Task LongPrompt_IsIngestedInChunksWhileARunningStreamKeepsGettingTokens()
    {
        await using var model = await LoadAsync("stories-chunks", parallel: 2, context: 1024);
        var scheduler = Scheduler(model);
        var steps = new ConcurrentQueue<(int Generating, int PromptTokens)>();
        using var firstStep = new SemaphoreSlim(0);
        using var resume = new ManualResetEventSlim();
        scheduler.StepObserver = (generating, promptTokens) =>
        {
            steps.Enqueue((generating, promptTokens));
            if (steps.Count == 1)
            {
                // The short request has been ingested; the long one is submitted before its first token is sampled further.
                firstStep.Release();
                resume.Wait();
            }
        };
        var running = Task.Run(async () =>
        {
            var updates = 0;
            await foreach (var update in model.ChatClient!.GetStreamingResponseAsync(s_prompts[0], Greedy(120)))
            {
                updates++;
            }

            return updates;
        });

        await firstStep.WaitAsync();
        var longPrompt = string.Join(' ', Enumerable.Repeat(s_prompts[1], 25));
        var late = Task.Run(() => model.ChatClient!.GetResponseAsync(longPrompt, Greedy(4)));
        await UntilAsync(() => scheduler.Outstanding == 2);
        resume.Set();
        await Task.WhenAll(running, late);

        // Every step that took part of the long prompt also carried a token of the running stream, which was sampled and streamed.
        var ingesting = steps.Where(s => s.PromptTokens > 0).Skip(1).ToList();
        Assert.True((await late).Usage!.InputTokenCount > 2 * LlamaScheduler.SharedPrefillTokens);
        Assert.True(ingesting.Count >= 3, $"the long prompt went in {ingesting.Count} steps; expected chunks of at most {LlamaScheduler.SharedPrefillTokens}");
        Assert.All(ingesting, s => Assert.Equal(1, s.Generating));
        Assert.All(ingesting, s => Assert.True(s.PromptTokens <= LlamaScheduler.SharedPrefillTokens));
        Assert.True(await running > ingesting.Count);
    }

    [Fact]
    public async Task Dispose_WithRequestsInFlight_EndsThemWithCancellation()
    {
        var model = await LoadAsync("stories-dispose", parallel: 2, queue: 4);
        var scheduler = Scheduler(model);
        using var firstStep = new SemaphoreSlim(0);
        using var resume = new ManualResetEventSlim();
        scheduler.StepObserver = (_, _) =>
        {
            firstStep.Release();
            resume.Wait();
        };

        var streams = s_prompts.Select(p => Task.Run(() => Updates.CollectAsync(model.ChatClient!.GetStreamingResponseAsync(p, Greedy(400))))).ToList();
        await firstStep.WaitAsync();
        await UntilAsync(() => scheduler.Outstanding == s_prompts.Length);

        var disposing = model.DisposeAsync().AsTask();
        resume.Set();
        await disposing;

        foreach (var stream in streams)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream);
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => model.ChatClient!.GetResponseAsync("hello"));
    }

    [Fact]
    public async Task Metrics_CountTokensBatchesAndFirstTokensTaggedWithTheModel()
    {
        await using var model = await LoadAsync("stories-metrics", parallel: 2);
        using var tokens = new InstrumentSum(LlamaMetrics.TokensName, "stories-metrics");
        using var batches = new InstrumentSum(LlamaMetrics.BatchSizeName, "stories-metrics");
        using var firstTokens = new InstrumentSum(LlamaMetrics.TimeToFirstTokenName, "stories-metrics");
        using var queue = new InstrumentSum(LlamaMetrics.QueueDepthName, "stories-metrics");

        var responses = await Task.WhenAll(s_prompts.Take(3).Select(p => Task.Run(() => model.ChatClient!.GetResponseAsync(p, Greedy(10)))));

        Assert.Equal((double)responses.Sum(r => r.Usage!.OutputTokenCount!.Value), tokens.Sum);
        Assert.Equal(3, firstTokens.Count);
        Assert.True(batches.Sum >= tokens.Sum, $"{batches.Sum} tokens decoded for {tokens.Sum} generated");
        Assert.Equal(0, queue.Sum);
    }

    private async Task<ILoadedModel> LoadAsync(string name, int parallel, int queue = 64, int context = 512) =>
        await new LlamaBackend(fixture.Logger).LoadModelAsync(new ModelLoadRequest
        {
            ModelPath = SharedModels.Stories260K,
            ModelName = name,
            Capabilities = ModelCapabilities.Chat,
            Plan = StoriesModelFixture.Plan(context) with { ParallelSequences = parallel, QueueLimit = queue },
        });

    private static LlamaScheduler Scheduler(ILoadedModel model) => ((LlamaChatClient)model.ChatClient!).Scheduler;

    private static async Task UntilAsync(Func<bool> condition)
    {
        // Waits for the scheduler's thread to get somewhere; bounded so that a bug fails the test instead of hanging it.
        for (var i = 0; i < 2000 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.True(condition(), "the scheduler never reached the expected state");
    }

    /// <summary>Adds up one instrument's measurements for one model, from the moment it is created.</summary>
    private sealed class InstrumentSum : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly string _model;
        private double _sum;
        private int _count;

        public InstrumentSum(string instrument, string model)
        {
            _model = model;
            _listener.InstrumentPublished = (i, listener) =>
            {
                if (i.Meter.Name == LlamaMetrics.MeterName && i.Name == instrument)
                {
                    listener.EnableMeasurementEvents(i);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Record(value, tags));
            _listener.SetMeasurementEventCallback<int>((_, value, tags, _) => Record(value, tags));
            _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Record(value, tags));
            _listener.Start();
        }

        public double Sum => Volatile.Read(ref _sum);

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();

        private void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "model", Value: string model } && model == _model)
                {
                    lock (_listener)
                    {
                        _sum += value;
                        _count++;
                    }
                }
            }
        }
    }
}
