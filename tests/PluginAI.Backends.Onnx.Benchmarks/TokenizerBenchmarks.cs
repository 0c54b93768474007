using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Backends.Onnx.Internal;

namespace PluginAI.Backends.Onnx.Benchmarks;

/// <summary>Tokenizes the 1,000 benchmark sentences with the two WordPiece tokenizers that were candidates.</summary>
[Config(typeof(ThroughputConfig))]
public class TokenizerBenchmarks
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "pluginai-onnx-bench-" + Guid.NewGuid().ToString("N"));
    private readonly long[] _ids = new long[256];
    private readonly long[] _mask = new long[256];
    private string[] _sentences = [];
    private FastBertTokenizer.BertTokenizer _fast = null!;
    private Microsoft.ML.Tokenizers.BertTokenizer _microsoft = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sentences = BenchmarkSentences.Generate(EmbeddingThroughputBenchmarks.SentenceCount);
        var vocabulary = EmbeddedModelStore.EnsureExtractedAsync(_cache, NullLogger.Instance, CancellationToken.None).GetAwaiter().GetResult().VocabularyPath;
        _fast = new FastBertTokenizer.BertTokenizer();
        using (var reader = File.OpenText(vocabulary))
        {
            _fast.LoadVocabulary(reader, convertInputToLowercase: true);
        }

        _microsoft = Microsoft.ML.Tokenizers.BertTokenizer.Create(vocabulary, new Microsoft.ML.Tokenizers.BertOptions
        {
            LowerCaseBeforeTokenization = true,
            RemoveNonSpacingMarks = true,
            IndividuallyTokenizeCjk = true,
        });
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_cache, recursive: true);

    [Benchmark(Baseline = true, OperationsPerInvoke = EmbeddingThroughputBenchmarks.SentenceCount, Description = "FastBertTokenizer 1.2.6")]
    public long FastBert()
    {
        long tokens = 0;
        foreach (var sentence in _sentences)
        {
            tokens += _fast.Encode(sentence, _ids, _mask, padTo: null);
        }

        return tokens;
    }

    [Benchmark(OperationsPerInvoke = EmbeddingThroughputBenchmarks.SentenceCount, Description = "Microsoft.ML.Tokenizers 2.0.1 BertTokenizer")]
    public long MicrosoftMLTokenizers()
    {
        long tokens = 0;
        foreach (var sentence in _sentences)
        {
            tokens += _microsoft.EncodeToIds(sentence, 256, out _, out _).Count;
        }

        return tokens;
    }
}
