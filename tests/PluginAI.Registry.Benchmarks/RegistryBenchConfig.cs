using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace PluginAI.Registry.Benchmarks;

/// <summary>
/// One in-process short job, so the registry of 1,000 packages is generated and served once for every benchmark, and
/// the benchmarks of a class run back to back in one process with a ratio to their baseline.
/// </summary>
public static class RegistryBenchConfig
{
    public static IConfig Create(bool quick) => DefaultConfig.Instance
        .AddJob(Job.Default
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(10), logOutput: false))
            .WithLaunchCount(1)
            .WithWarmupCount(quick ? 1 : 3)
            .WithIterationCount(quick ? 4 : 8)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(quick ? 250 : 500))
            .WithId(quick ? "Quick" : "Short"))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(StatisticColumn.Min, StatisticColumn.Median);
}
