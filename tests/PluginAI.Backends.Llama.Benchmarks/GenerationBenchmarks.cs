using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace PluginAI.Backends.Llama.Benchmarks;

/// <summary>
/// Our <see cref="IChatClient"/> against a hand-written LLamaSharp loop on the same file, same prompt tokens, same greedy
/// sampling, in the same process: the difference is what the backend adds.
/// </summary>
/// <remarks>
/// Each operation reports the tokens it actually processed, and the Tokens/s column uses those counts. The model cannot
/// end generation under greedy sampling (<see cref="BenchModel"/>), and setup checks that both paths produce the same
/// tokens, so both generate exactly <see cref="GenerationPaths.GeneratedTokens"/>.
/// </remarks>
[Config(typeof(BenchConfig))]
public class GenerationBenchmarks
{
    private GenerationPaths _paths = null!;

    [GlobalSetup]
    public async Task SetupAsync() => _paths = await GenerationPaths.CreateAsync();

    [GlobalCleanup]
    public async Task CleanupAsync() => await _paths.DisposeAsync();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("generate")]
    public int Generate_LLamaSharpLoop() =>
        TokenCounts.Record(nameof(Generate_LLamaSharpLoop), _paths.Direct(GenerationPaths.ShortPrompt, GenerationPaths.GeneratedTokens).GeneratedTokens);

    [Benchmark]
    [BenchmarkCategory("generate")]
    public async Task<int> Generate_ChatClient() =>
        TokenCounts.Record(nameof(Generate_ChatClient), (await _paths.ClientAsync(GenerationPaths.ShortPrompt, GenerationPaths.GeneratedTokens)).GeneratedTokens);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("prompt")]
    public int Prompt_LLamaSharpLoop() =>
        TokenCounts.Record(nameof(Prompt_LLamaSharpLoop), _paths.Direct(GenerationPaths.LongPrompt, 1).PromptTokens);

    [Benchmark]
    [BenchmarkCategory("prompt")]
    public async Task<int> Prompt_ChatClient() =>
        TokenCounts.Record(nameof(Prompt_ChatClient), (await _paths.ClientAsync(GenerationPaths.LongPrompt, 1)).PromptTokens);
}
