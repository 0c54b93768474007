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
    };

    public const int Threads = 2;

    public const int ContextSize = 1024;

    public static string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pluginai-bench", "bench-llama-1024x6.gguf");

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
