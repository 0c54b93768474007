using System.Diagnostics;
using System.Globalization;
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

    public static async Task RunAsync(int tokens, int requestsPerClient, TextWriter output)
    {
        var models = new (string Name, string Path, DevicePlan Plan)[]
        {
            ("stories260K", SharedModels.Stories260K, new DevicePlan { Threads = BenchModel.Threads, ContextSize = 512, BatchSize = 512 }),
            ("random 1024x6", BenchModel.EnsureWritten(), BenchModel.Plan()),
        };

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
