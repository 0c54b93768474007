using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace PluginAI.Backends.Onnx.Benchmarks;

/// <summary>
/// A short in-process job (each invocation already takes seconds, so few are needed) and a sentences-per-second column.
/// </summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        AddJob(Job.Default
            // The package's Encode() needs over a minute per invocation on a small machine, past the in-process
            // toolchain's default time limit.
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true))
            .WithLaunchCount(1)
            .WithWarmupCount(0)
            .WithIterationCount(3)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithId("Short"));
        AddColumn(new SentencesPerSecondColumn());
    }

    private sealed class SentencesPerSecondColumn : IColumn
    {
        public string Id => nameof(SentencesPerSecondColumn);

        public string ColumnName => "Sentences/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Sentences embedded or tokenized per second (1 s / Mean)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            summary[benchmarkCase]?.ResultStatistics is { Mean: > 0 } statistics
                ? (1e9 / statistics.Mean).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
                : "-";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
