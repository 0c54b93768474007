using System.Collections.Concurrent;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace PluginAI.Backends.Llama.Benchmarks;

/// <summary>A short in-process job: a few iterations are enough when one operation runs for seconds.</summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(5).WithLaunchCount(1).WithInvocationCount(1).WithUnrollFactor(1));
        AddColumn(new TokensPerSecondColumn());
        AddColumn(StatisticColumn.Min, StatisticColumn.Max);
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory);
        WithOptions(ConfigOptions.JoinSummary);
    }
}

/// <summary>Token counts each benchmark reports from its own operations, from which tokens per second are computed.</summary>
public static class TokenCounts
{
    // -1 marks a benchmark whose operations processed different numbers of tokens: no single rate describes it.
    private static readonly ConcurrentDictionary<string, int> s_counts = new();

    /// <summary>Records the tokens one operation processed and returns them.</summary>
    public static int Record(string benchmark, int tokens)
    {
        s_counts.AddOrUpdate(benchmark, tokens, (_, seen) => seen == tokens ? seen : -1);
        return tokens;
    }

    public static int? Get(string benchmark) => s_counts.TryGetValue(benchmark, out var n) && n >= 0 ? n : null;
}

/// <summary>Tokens per second: the benchmark's token count over its mean time.</summary>
public sealed class TokensPerSecondColumn : IColumn
{
    public string Id => nameof(TokensPerSecondColumn);

    public string ColumnName => "Tokens/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Tokens processed per second (generated tokens, or prompt tokens, as counted by each operation), from the mean; - where operations differed";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var tokens = TokenCounts.Get(benchmarkCase.Descriptor.WorkloadMethod.Name);
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return tokens is { } n && mean is > 0 ? (n / (mean.Value / 1e9)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "-";
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
