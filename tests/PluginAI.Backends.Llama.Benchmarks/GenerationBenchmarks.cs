using BenchmarkDotNet.Attributes;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;
using LLama.Transformers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Backends.Llama.Internal;

namespace PluginAI.Backends.Llama.Benchmarks;

/// <summary>
/// Our <see cref="IChatClient"/> against a hand-written LLamaSharp loop on the same file, same prompt text, same greedy
/// sampling, in the same process: the difference is what the backend adds.
/// </summary>
[Config(typeof(BenchConfig))]
public class GenerationBenchmarks
{
    public const int GeneratedTokens = 64;

    private static readonly string s_longPrompt = string.Join(' ', Enumerable.Repeat("the model answers the question of the user with a local document", 24));

    private ILoadedModel _model = null!;
    private IChatClient _client = null!;
    private LLamaWeights _weights = null!;
    private LLamaContext _context = null!;
    private string _shortText = null!;
    private string _longText = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var path = BenchModel.EnsureWritten();
        _model = await new LlamaBackend(NullLogger.Instance).LoadModelAsync(new() { ModelPath = path, Plan = BenchModel.Plan(), Capabilities = ModelCapabilities.Chat });
        _client = _model.ChatClient!;

        var parameters = new ModelParams(path) { ContextSize = BenchModel.ContextSize, BatchSize = 512, UBatchSize = 512, Threads = BenchModel.Threads, BatchThreads = BenchModel.Threads, SeqMax = 1 };
        _weights = await LLamaWeights.LoadFromFileAsync(parameters);
        _context = _weights.CreateContext(parameters);
        _shortText = Template("Hello world, what is the answer?");
        _longText = Template(s_longPrompt);

        TokenCounts.Set(nameof(Generate_ChatClient), GeneratedTokens);
        TokenCounts.Set(nameof(Generate_LLamaSharpLoop), GeneratedTokens);
        var promptTokens = _context.Tokenize(_longText, addBos: true, special: true).Length;
        TokenCounts.Set(nameof(Prompt_ChatClient), promptTokens);
        TokenCounts.Set(nameof(Prompt_LLamaSharpLoop), promptTokens);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _model.DisposeAsync();
        _context.Dispose();
        _weights.Dispose();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("generate")]
    public int Generate_LLamaSharpLoop() => RunDirect(_shortText, GeneratedTokens);

    [Benchmark]
    [BenchmarkCategory("generate")]
    public async Task<int> Generate_ChatClient() => await RunClientAsync("Hello world, what is the answer?", GeneratedTokens);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("prompt")]
    public int Prompt_LLamaSharpLoop() => RunDirect(_longText, 1);

    [Benchmark]
    [BenchmarkCategory("prompt")]
    public async Task<int> Prompt_ChatClient() => await RunClientAsync(s_longPrompt, 1);

    private async Task<int> RunClientAsync(string prompt, int maxTokens)
    {
        var count = 0;
        await foreach (var update in _client.GetStreamingResponseAsync(prompt, new ChatOptions { Temperature = 0, MaxOutputTokens = maxTokens, Seed = 1 }))
        {
            count += update.Text.Length;
        }

        return count;
    }

    private int RunDirect(string text, int maxTokens)
    {
        var handle = _context.NativeHandle;
        handle.MemoryClear(true);
        var tokens = _context.Tokenize(text, addBos: true, special: true);
        var batch = new LLamaBatch();
        var position = 0;
        while (position < tokens.Length)
        {
            batch.Clear();
            var count = Math.Min(512, tokens.Length - position);
            for (var i = 0; i < count; i++)
            {
                batch.Add(tokens[position + i], position + i, LLamaSeqId.Zero, position + i == tokens.Length - 1);
            }

            _context.Decode(batch);
            position += count;
        }

        using var sampler = new DefaultSamplingPipeline { Temperature = 0, TopP = 0.95f, TopK = 40, Seed = 1 };
        var decoder = new StreamingTokenDecoder(_context);
        var vocab = _weights.NativeHandle.Vocab;
        var chars = 0;
        for (var n = 0; n < maxTokens; n++)
        {
            var token = sampler.Sample(handle, batch.TokenCount - 1);
            if (token.IsEndOfGeneration(vocab))
            {
                break;
            }

            decoder.Add(token);
            chars += decoder.Read().Length;
            if (n == maxTokens - 1)
            {
                break;
            }

            batch.Clear();
            batch.Add(token, position++, LLamaSeqId.Zero, true);
            _context.Decode(batch);
        }

        return chars;
    }

    private string Template(string user)
    {
        var template = new LLamaTemplate(_weights.NativeHandle) { AddAssistant = true };
        template.Add("user", user);
        return PromptTemplateTransformer.ToModelPrompt(template);
    }
}
