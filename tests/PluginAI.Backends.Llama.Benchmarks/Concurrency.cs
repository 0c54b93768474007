using System.Diagnostics;
using System.Globalization;
using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Backends.Llama.Internal;
using PluginAI.TestSupport;

namespace PluginAI.Backends.Llama.Benchmarks;

/// <summary>
/// Aggregate greedy tokens per second of our <see cref="IChatClient"/> with 1 and with 4 concurrent clients, on the
/// trained stories260K model and on the random 1024-wide, 6-layer model of <see cref="BenchModel"/>.
/// </summary>
/// <remarks>
/// Each client sends its own prompt, so prefix reuse plays no part; each level first runs one request per client as a
/// warm-up. The ratio (4 clients / 1 client) is what continuous batching buys on this machine: a CPU step reads the weights
/// once whatever the number of sequences, so a model whose step is dominated by reading weights gains most.
/// </remarks>
internal static class Concurrency
{
    private const int Parallel = 4;

    /// <summary>Room in the shared key-value cache for 4 sequences of a 32-token prompt and 128 tokens each, so that none waits for cells.</summary>
    private static readonly DevicePlan StoriesPlan = new() { Threads = BenchModel.Threads, ContextSize = 1024, BatchSize = 512 };

    public static async Task RunAsync(int tokens, int requestsPerClient, TextWriter output, bool storiesOnly = false)
    {
        (string Name, string Path, DevicePlan Plan)[] models = storiesOnly
            ? [("stories260K", SharedModels.Stories260K, StoriesPlan)]
            : [("stories260K", SharedModels.Stories260K, StoriesPlan), ("random 1024x6", BenchModel.EnsureWritten(), BenchModel.Plan())];

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"threads {BenchModel.Threads}, {tokens} greedy tokens per request, {requestsPerClient} requests per client, {Parallel} parallel sequences"));
        foreach (var (name, path, plan) in models)
        {
            await using var model = await new LlamaBackend(NullLogger.Instance).LoadModelAsync(new()
            {
                ModelPath = path,
                Plan = plan with { ParallelSequences = Parallel },
                Capabilities = ModelCapabilities.Chat,
            });
            var client = model.ChatClient!;
            var one = await MeasureAsync(client, 1, tokens, requestsPerClient);
            var four = await MeasureAsync(client, Parallel, tokens, requestsPerClient);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: 1 client {one.TokensPerSecond:F1} tok/s ({one.Tokens} tokens in {one.Seconds:F2} s); {Parallel} clients {four.TokensPerSecond:F1} tok/s aggregate ({four.Tokens} tokens in {four.Seconds:F2} s); ratio {four.TokensPerSecond / one.TokensPerSecond:F2}"));
        }

        foreach (var (name, path, plan) in models)
        {
            var (oneStep, fourStep) = DecodeCeiling(path, plan with { ParallelSequences = Parallel }, tokens);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: llama_decode alone, 1 sequence {oneStep:F3} ms a step, {Parallel} sequences {fourStep:F3} ms a step; the most batching can give: {Parallel * oneStep / fourStep:F2}x"));
        }
    }

    /// <summary>
    /// The ceiling no scheduler can pass: the same weights and context settings driven by bare <c>llama_decode</c> calls,
    /// one token a step for 1 sequence and for <see cref="Parallel"/> sequences, over a 32-token prompt and
    /// <paramref name="tokens"/> steps (the lengths of the client runs), with no sampling, text or hand-off at all.
    /// </summary>
    private static (double OneStepMs, double FourStepMs) DecodeCeiling(string path, DevicePlan plan, int tokens)
    {
        var parameters = new ModelParams(path)
        {
            ContextSize = (uint)plan.ContextSize,
            BatchSize = (uint)plan.BatchSize,
            UBatchSize = (uint)Math.Min(plan.BatchSize, 512),
            Threads = plan.Threads,
            BatchThreads = plan.Threads,
            SeqMax = (uint)plan.ParallelSequences,
            KVUnified = true,
        };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var vocabulary = weights.Vocab.Count;
        var batch = new LLamaBatch();
        double Measure(int sequences)
        {
            const int prompt = 32;
            var best = double.MaxValue;
            for (var round = 0; round < 5; round++)
            {
                context.NativeHandle.MemoryClear();
                batch.Clear();
                for (var s = 0; s < sequences; s++)
                {
                    for (var i = 0; i < prompt; i++)
                    {
                        batch.Add((LLamaToken)((i * 7 + s) % vocabulary), i, (LLamaSeqId)s, i == prompt - 1);
                    }
                }

                Check(context.NativeHandle.Decode(batch));
                var watch = Stopwatch.StartNew();
                for (var step = 0; step < tokens; step++)
                {
                    batch.Clear();
                    for (var s = 0; s < sequences; s++)
                    {
                        batch.Add((LLamaToken)((step * 13 + s) % vocabulary), prompt + step, (LLamaSeqId)s, true);
                    }

                    Check(context.NativeHandle.Decode(batch));
                }

                best = Math.Min(best, watch.Elapsed.TotalMilliseconds / tokens);
            }

            return best;
        }

        return (Measure(1), Measure(Parallel));
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode returned {result}; the context is too small for {Parallel} sequences of this length");
        }
    }

    private static async Task<(double TokensPerSecond, long Tokens, double Seconds)> MeasureAsync(IChatClient client, int clients, int tokens, int requestsPerClient)
    {
        await RunClientsAsync(client, clients, tokens, 1, round: -1);
        var watch = Stopwatch.StartNew();
        var generated = await RunClientsAsync(client, clients, tokens, requestsPerClient, round: 0);
        var seconds = watch.Elapsed.TotalSeconds;
        return (generated / seconds, generated, seconds);
    }

    private static async Task<long> RunClientsAsync(IChatClient client, int clients, int tokens, int requests, int round)
    {
        var counts = await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            long generated = 0;
            for (var r = 0; r < requests; r++)
            {
                var prompt = string.Create(CultureInfo.InvariantCulture, $"Client {c} asks, round {round} request {r}: tell me the story of a cat called {(char)('A' + c)}{r}.");
                var response = await client.GetResponseAsync(prompt, new ChatOptions { Temperature = 0, Seed = 1, MaxOutputTokens = tokens }).ConfigureAwait(false);
                generated += response.Usage?.OutputTokenCount ?? 0;
            }

            return generated;
        })));
        return counts.Sum();
    }
}
