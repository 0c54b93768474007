using System.Diagnostics;

namespace PluginAI.Cli.Bench;

/// <summary>Runs N concurrent clients, each sending requests one after another, and summarises what they saw.</summary>
internal static class BenchRunner
{
    public static async Task<BenchLevel> RunAsync(IBenchTarget target, int clients, int requestsPerClient, string prompt, int maxTokens, Action onRequestDone, CancellationToken cancellationToken)
    {
        using var energy = new AsyncDisposableBox(EnergyMeter.Start());
        var meter = (EnergyMeter)energy.Value;
        var started = Stopwatch.GetTimestamp();
        var perClient = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var samples = new List<BenchSample>(requestsPerClient);
            for (var i = 0; i < requestsPerClient; i++)
            {
                samples.Add(await target.RunAsync(prompt, maxTokens, cancellationToken).ConfigureAwait(false));
                onRequestDone();
            }

            return samples;
        }, cancellationToken))).ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(started);
        var joules = await meter.StopAsync().ConfigureAwait(false);

        var all = perClient.SelectMany(s => s).ToList();
        var firstTokens = all.Select(s => Stopwatch.GetElapsedTime(s.Started, s.FirstToken).TotalMilliseconds).Order().ToList();
        var tokens = all.Sum(s => (long)s.Tokens);
        var clientRates = perClient.Select(s =>
        {
            var busy = s.Sum(x => Stopwatch.GetElapsedTime(x.Started, x.Ended).TotalSeconds);
            return busy > 0 ? s.Sum(x => x.Tokens) / busy : 0;
        }).ToList();
        using var self = Process.GetCurrentProcess();
        return new BenchLevel(
            clients,
            all.Count,
            tokens,
            wall.TotalSeconds,
            Percentile(firstTokens, 0.50),
            Percentile(firstTokens, 0.99),
            all.Count / wall.TotalSeconds,
            tokens / wall.TotalSeconds,
            clientRates.Average(),
            target is InProcessTarget ? self.PeakWorkingSet64 : null,
            joules is { } j && tokens > 0 ? j / tokens : null,
            joules is null ? string.Join("; ", meter.Unavailable) : null);
    }

    private static double Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }

    private sealed class AsyncDisposableBox(IAsyncDisposable value) : IDisposable
    {
        public IAsyncDisposable Value { get; } = value;

        public void Dispose() => Value.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

/// <summary>What one concurrency level measured.</summary>
internal sealed record BenchLevel(
    int Clients,
    int Requests,
    long Tokens,
    double Seconds,
    double TimeToFirstTokenP50Ms,
    double TimeToFirstTokenP99Ms,
    double RequestsPerSecond,
    double TokensPerSecond,
    double TokensPerSecondPerClient,
    long? PeakMemoryBytes,
    double? JoulesPerToken,
    string? EnergyNotMeasurable);
