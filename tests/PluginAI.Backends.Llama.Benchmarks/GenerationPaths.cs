using LLama;
using LLama.Native;
using LLama.Sampling;
using LLama.Transformers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Backends.Llama.Internal;

namespace PluginAI.Backends.Llama.Benchmarks;

/// <summary>What one generation processed: prompt tokens evaluated and tokens generated.</summary>
public readonly record struct TokenWork(int PromptTokens, int GeneratedTokens);

/// <summary>
/// The two things compared: our <see cref="IChatClient"/>, and a hand-written LLamaSharp loop on the same weights and
/// context, with the same prompt tokens, sampler, threads and batch.
/// </summary>
/// <remarks>
/// <see cref="CreateAsync"/> checks that both paths evaluate identical prompt tokens and generate identical tokens, and
/// each run reports what it processed, so that tokens per second are never computed from an assumed count.
/// </remarks>
public sealed class GenerationPaths : IAsyncDisposable
{
    public const string ShortPrompt = "Hello world, what is the answer?";

    public const int GeneratedTokens = 64;

    public static readonly string LongPrompt = string.Join(' ', Enumerable.Repeat("the model answers the question of the user with a local document", 24));

    /// <summary>The trained model's prompts: it has no chat template, so both paths send the plain transcript our formatter writes.</summary>
    public const string StoriesShortPrompt = "Once upon a time there was a little girl";

    public const int StoriesGeneratedTokens = 300;

    public static readonly string StoriesLongPrompt = string.Join(' ', Enumerable.Repeat("the little dog ran to the park with his friend", 12));

    private readonly ILoadedModel _model;
    private readonly IChatClient _client;
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly LlamaScheduler _scheduler;
    private readonly Dictionary<string, string> _templated = new(StringComparer.Ordinal);
    private readonly bool _stories;

    private GenerationPaths(ILoadedModel model, LLamaWeights weights, LlamaScheduler scheduler, bool stories)
    {
        _stories = stories;
        _scheduler = scheduler;
        _model = model;
        _client = model.ChatClient!;
        _weights = weights;
        _context = scheduler.Context;
        foreach (var prompt in new[] { ShortPromptText, LongPromptText })
        {
            _templated[prompt] = Template(prompt);
        }
    }

    /// <summary>Gets the short chat prompt of the model measured.</summary>
    public string ShortPromptText => _stories ? StoriesShortPrompt : ShortPrompt;

    /// <summary>Gets the long prompt of the model measured (it fits the model's context).</summary>
    public string LongPromptText => _stories ? StoriesLongPrompt : LongPrompt;

    /// <summary>Gets how many tokens the generation case asks for.</summary>
    public int GenerateTokens => _stories ? StoriesGeneratedTokens : GeneratedTokens;

    /// <summary>Gets the model's name for the report.</summary>
    public string ModelName => _stories ? "stories260K" : "random 1024x6";

    public static async Task<GenerationPaths> CreateAsync(bool stories = false)
    {
        var path = stories ? PluginAI.TestSupport.SharedModels.Stories260K : BenchModel.EnsureWritten();
        var plan = stories ? BenchModel.Plan() with { ContextSize = 512 } : BenchModel.Plan();
        var model = (LlamaModel)await new LlamaBackend(NullLogger.Instance).LoadModelAsync(new() { ModelPath = path, Plan = plan, Capabilities = ModelCapabilities.Chat });

        // The loop runs on the client's own weights and context, never during a request since operations run one at a
        // time (it decodes on the caller's thread while the scheduler's thread waits for work): with a context of its own, the loop's speed moved against the client's by -2 % to +30 % from one process
        // to the next, with no change to either path.
        var paths = new GenerationPaths(model, model.Weights, ((LlamaChatClient)model.ChatClient!).Scheduler, stories);
        await paths.VerifySameWorkAsync(paths.ShortPromptText, paths.GenerateTokens);
        await paths.VerifySameWorkAsync(paths.LongPromptText, 1);
        return paths;
    }

    public async Task<TokenWork> ClientAsync(string user, int maxTokens)
    {
        // Both paths evaluate the whole prompt every time: the client would otherwise reuse the cached prefix of the last run.
        _scheduler.ForgetCachedPrompts();
        // Reads only what a caller needs, so that the consumer's own work is not counted against the client.
        var usage = default(UsageDetails);
        await foreach (var update in _client.GetStreamingResponseAsync(user, new ChatOptions { Temperature = 0, MaxOutputTokens = maxTokens, Seed = 1 }))
        {
            if (update.FinishReason is not null)
            {
                usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details;
            }
        }

        return new TokenWork((int)(usage?.InputTokenCount ?? -1), (int)(usage?.OutputTokenCount ?? -1));
    }

    public TokenWork Direct(string user, int maxTokens) => DirectWithText(user, maxTokens).Work;

    public async ValueTask DisposeAsync() => await _model.DisposeAsync();

    private async Task VerifySameWorkAsync(string user, int maxTokens)
    {
        var (direct, directText) = DirectWithText(user, maxTokens);
        var (client, clientText) = await ClientWithTextAsync(user, maxTokens);
        // The random model cannot end greedy output early; the trained one may, and then both paths must end at the same token.
        if ((!_stories && direct != new TokenWork(direct.PromptTokens, maxTokens)) || direct.GeneratedTokens == 0 || direct != client || directText != clientText)
        {
            throw new InvalidOperationException(
                $"The two paths did different work for \"{user[..Math.Min(20, user.Length)]}...\": direct {direct} \"{directText}\", client {client} \"{clientText}\"; expected {maxTokens} generated tokens from the same prompt on both.");
        }
    }

    private async Task<(TokenWork Work, string Text)> ClientWithTextAsync(string user, int maxTokens)
    {
        _scheduler.ForgetCachedPrompts();
        var text = new System.Text.StringBuilder();
        var usage = default(UsageDetails);
        await foreach (var update in _client.GetStreamingResponseAsync(user, new ChatOptions { Temperature = 0, MaxOutputTokens = maxTokens, Seed = 1 }))
        {
            text.Append(update.Text);
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
        }

        return (new TokenWork((int)(usage?.InputTokenCount ?? -1), (int)(usage?.OutputTokenCount ?? -1)), text.ToString());
    }

    private (TokenWork Work, string Text) DirectWithText(string user, int maxTokens)
    {
        // Returns once the scheduler's thread has finished its last step and cleared the cache: from here on only this
        // thread touches the context until the next request.
        _scheduler.ForgetCachedPrompts();
        var handle = _context.NativeHandle;
        handle.MemoryClear(true);
        var tokens = _context.Tokenize(_templated[user], addBos: _weights.Vocab.ShouldAddBOS, special: true);
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

        using var sampler = new DefaultSamplingPipeline { Temperature = 0, TopP = 0.95f, TopK = 40, FrequencyPenalty = 0, PresencePenalty = 0, Seed = 1 };
        var decoder = new StreamingTokenDecoder(_context);
        var vocab = _weights.NativeHandle.Vocab;
        var text = new System.Text.StringBuilder();
        var generated = 0;
        while (generated < maxTokens)
        {
            var token = sampler.Sample(handle, batch.TokenCount - 1);
            if (token.IsEndOfGeneration(vocab))
            {
                break;
            }

            generated++;
            decoder.Add(token);
            text.Append(decoder.Read());
            if (generated == maxTokens)
            {
                break;
            }

            batch.Clear();
            batch.Add(token, position++, LLamaSeqId.Zero, true);
            _context.Decode(batch);
        }

        // The loop cleared the cache behind the scheduler's back.
        _scheduler.ForgetCachedPrompts();
        return (new TokenWork(tokens.Length, generated), text.ToString());
    }

    private string Template(string user)
    {
        if (_stories)
        {
            return $"User: {user}\nAssistant:";
        }

        var template = new LLamaTemplate(_weights.NativeHandle) { AddAssistant = true };
        template.Add("user", user);
        return PromptTemplateTransformer.ToModelPrompt(template);
    }
}
