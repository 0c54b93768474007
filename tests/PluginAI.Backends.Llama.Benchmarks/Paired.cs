using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace PluginAI.Backends.Llama.Benchmarks;

/// <summary>
/// Times the direct loop and our client back to back, round after round, and reports the median of the per-round ratios.
/// </summary>
/// <remarks>
/// <para>
/// On a shared machine the load changes over seconds. BenchmarkDotNet runs one benchmark's iterations after the other's,
/// so a load change between them shows up as a difference between the paths; here each ratio compares two operations
/// that ran next to each other, and the order within a round alternates so neither path always runs first.
/// </para>
/// <para>
/// With one llama.cpp thread, the direct loop does all its work on the calling thread and the client splits it between
/// the model's scheduler thread (decode, sampling, decoding text) and the caller (reading updates); the process's CPU time
/// counts both, and measures the work itself whatever share of the cores other processes took; tokens over CPU seconds
/// is then reported beside tokens over wall seconds.
/// </para>
/// </remarks>
internal static partial class Paired
{
    private const int WarmupRounds = 2;
    private const int ClockProcessCpuTime = 2;

    public static async Task RunAsync(int rounds, TextWriter output, bool stories = false)
    {
        await using var paths = await GenerationPaths.CreateAsync(stories);
        output.WriteLine($"model {paths.ModelName}");
        var cpu = BenchModel.Threads == 1 && OperatingSystem.IsLinux();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"threads {BenchModel.Threads}, {rounds} rounds after {WarmupRounds} warm-up rounds, CPU time {(cpu ? "measured" : "not measured (needs 1 thread on Linux)")}"));
        var cases = new (string Name, string Prompt, int MaxTokens, Func<TokenWork, int> Counted)[]
        {
            ("generate", paths.ShortPromptText, paths.GenerateTokens, w => w.GeneratedTokens),
            ("prompt", paths.LongPromptText, 1, w => w.PromptTokens),
        };

        foreach (var (name, prompt, maxTokens, counted) in cases)
        {
            var direct = new List<Timing>();
            var client = new List<Timing>();
            var tokens = -1;
            for (var round = 0; round < WarmupRounds + rounds; round++)
            {
                Timing TimeDirect() => Time(() => Task.FromResult(paths.Direct(prompt, maxTokens)), counted, ref tokens);
                Timing TimeClient() => Time(() => paths.ClientAsync(prompt, maxTokens), counted, ref tokens);
                var (d, c) = round % 2 == 0 ? (TimeDirect(), TimeClient()) : Swap(TimeClient(), TimeDirect());
                if (round < WarmupRounds)
                {
                    continue;
                }

                direct.Add(d);
                client.Add(c);
                var line = string.Create(CultureInfo.InvariantCulture, $"{name} round {round - WarmupRounds + 1}: wall direct {d.Wall * 1000:F0} ms, client {c.Wall * 1000:F0} ms, ratio {d.Wall / c.Wall:F3}");
                output.WriteLine(cpu ? line + string.Create(CultureInfo.InvariantCulture, $"; cpu direct {d.Cpu * 1000:F0} ms, client {c.Cpu * 1000:F0} ms, ratio {d.Cpu / c.Cpu:F3}") : line);
            }

            output.WriteLine(Summary($"{name} wall", tokens, direct.Select(t => t.Wall), client.Select(t => t.Wall)));
            if (cpu)
            {
                output.WriteLine(Summary($"{name} cpu ", tokens, direct.Select(t => t.Cpu), client.Select(t => t.Cpu)));
            }
        }
    }

    private static string Summary(string what, int tokens, IEnumerable<double> directSeconds, IEnumerable<double> clientSeconds)
    {
        var d = directSeconds.ToArray();
        var c = clientSeconds.ToArray();
        var ratios = d.Zip(c, (x, y) => x / y).ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"{what}: {tokens} tokens per operation; direct {tokens / Median(d):F1} tok/s, client {tokens / Median(c):F1} tok/s (medians); " +
            $"ratio client/direct median {Median(ratios):F3}, min {ratios.Min():F3}, max {ratios.Max():F3}");
    }

    private static (Timing Direct, Timing Client) Swap(Timing client, Timing direct) => (direct, client);

    private static Timing Time(Func<Task<TokenWork>> operation, Func<TokenWork, int> counted, ref int tokens)
    {
        var cpuBefore = ProcessCpuSeconds();
        var watch = Stopwatch.StartNew();
        var work = operation().GetAwaiter().GetResult();
        var wall = watch.Elapsed.TotalSeconds;
        var cpu = ProcessCpuSeconds() - cpuBefore;
        var n = counted(work);
        if (tokens >= 0 && n != tokens)
        {
            throw new InvalidOperationException($"An operation processed {n} tokens where the others processed {tokens}.");
        }

        tokens = n;
        return new Timing(wall, cpu);
    }

    private static double ProcessCpuSeconds()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ClockProcessCpuTime, out var time) != 0)
        {
            return double.NaN;
        }

        return time.Seconds + (time.Nanoseconds / 1e9);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    private readonly record struct Timing(double Wall, double Cpu);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
