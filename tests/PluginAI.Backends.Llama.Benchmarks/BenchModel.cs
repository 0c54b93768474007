using PluginAI.TestSupport;

namespace PluginAI.Backends.Llama.Benchmarks;

/// <summary>The random-weight model the benchmarks run on: large enough that llama.cpp's work dominates, small enough for two cores.</summary>
internal static class BenchModel
{
    public static readonly TinyLlamaModelOptions Options = new()
    {
        Seed = 2024,
        Name = "bench-llama",
        EmbeddingLength = 1024,
        BlockCount = 6,
        HeadCount = 16,
        FeedForwardLength = 2816,
        VocabularySize = 8192,
        ContextLength = 2048,
        ChatTemplate = TinyLlamaModel.ChatMLTemplate,

        // Greedy output then never stops early, so every path generates the number of tokens it was asked for.
        GreedyNeverEnds = true,
    };

    /// <summary>Gets the threads llama.cpp uses: 2 (the build VM's cores), or <c>PLUGINAI_BENCH_THREADS</c>.</summary>
    /// <remarks>
    /// With one thread llama.cpp computes on the thread that decodes (the caller for the direct loop, the model's scheduler
    /// thread for the client), which lets <see cref="Paired"/> count CPU time of nothing but the work, and no thread waits at
    /// a barrier for a sibling that another process's work has pushed off its core.
    /// </remarks>
    public static int Threads { get; } = int.TryParse(Environment.GetEnvironmentVariable("PLUGINAI_BENCH_THREADS"), out var n) && n > 0 ? n : 2;

    public const int ContextSize = 1024;

    public static string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pluginai-bench", "bench-llama-1024x6-noeog.gguf");

    public static string EnsureWritten()
    {
        var expected = TinyLlamaModel.EstimateSize(Options);
        if (!File.Exists(Path) || new FileInfo(Path).Length < expected)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            TinyLlamaModel.Write(Path, Options);
        }

        return Path;
    }

    public static DevicePlan Plan(bool memoryMap = true) => new()
    {
        Threads = Threads,
        ContextSize = ContextSize,
        BatchSize = 512,
        UseMemoryMap = memoryMap,
    };
}
