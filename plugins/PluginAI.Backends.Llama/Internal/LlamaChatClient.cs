using System.Runtime.CompilerServices;
using LLama;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using PluginAI.Backends.Llama.Internal.Grammar;

namespace PluginAI.Backends.Llama.Internal;

/// <summary>Generates text from a GGUF model; concurrent requests share decode steps through the model's <see cref="LlamaScheduler"/>.</summary>
/// <remarks>
/// This class turns messages into prompt tokens, checks them against the context, and creates the request's sampler and
/// <see cref="SequenceOutput"/> on the caller's thread; the scheduler's thread evaluates and samples; the caller reads the
/// request's channel. Safe to call from any number of threads at once.
/// </remarks>
internal sealed partial class LlamaChatClient : IChatClient
{
    private const float DefaultTemperature = 0.8f;
    private const float DefaultTopP = 0.95f;
    private const int DefaultTopK = 40;

    private readonly LlamaModel _model;
    private readonly LlamaScheduler _scheduler;
    private readonly PromptFormatter _formatter;
    private readonly ChatClientMetadata _metadata;
    private readonly int _contextSize;

    public LlamaChatClient(LlamaModel model, LLamaContext context, int parallelSequences, int queueLimit, ILogger logger)
    {
        _model = model;
        _contextSize = (int)context.ContextSize;
        _formatter = new PromptFormatter(model.Weights, model.Header.ChatTemplate);
        _metadata = new ChatClientMetadata("llama.cpp", defaultModelId: model.Metadata.ModelId);
        _scheduler = new LlamaScheduler(model, context, parallelSequences, queueLimit, logger);
        if (!_formatter.UsesModelTemplate)
        {
            LogFallbackTemplate(logger, model.Metadata.ModelId, model.Header.ChatTemplate is null ? "it has none" : "llama.cpp does not recognise it");
        }
    }

    /// <summary>Gets the context requests run on; the benchmarks run their reference loop on the same one, between requests.</summary>
    /// <remarks>Code that decodes on it must call <see cref="LlamaScheduler.ForgetCachedPrompts"/> afterwards.</remarks>
    internal LLamaContext Context => _scheduler.Context;

    /// <summary>Gets the scheduler that runs this model's requests.</summary>
    internal LlamaScheduler Scheduler => _scheduler;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        _model.ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();

        // Disposing the model ends a stream being read even when its generation already finished and only buffered text remains.
        var disposing = _model.DisposingToken;
        var constraint = OutputConstraint.From(options);
        var prompt = _formatter.Format(messages, options, constraint?.ToolInstructions);
        var promptTokens = Tokenize(prompt);
        if (promptTokens.Length >= _contextSize)
        {
            throw _model.ContextOverflow(promptTokens.Length, _contextSize, "prompt");
        }

        var output = new SequenceOutput(_model.Weights, _model.Metadata.ModelId, options, promptTokens.Length);
        var sampler = CreateSampler(options, constraint?.ToGrammar(_model.Weights.NativeHandle));

        // Only constrained requests read their text back through an interpreter; plain text goes out as it comes.
        var interpreter = constraint?.CreateInterpreter();
        var request = new GenerationRequest(promptTokens, sampler, output, cancellationToken);
        try
        {
            _scheduler.Submit(request);
        }
        catch
        {
            sampler.Dispose();
            throw;
        }

        try
        {
            var reader = request.Reader;
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    disposing.ThrowIfCancellationRequested();
                    if (interpreter is null)
                    {
                        yield return item.Final ?? output.Update(item.Text!);
                    }
                    else if (item.Final is { } final)
                    {
                        yield return Interpret(interpreter, final);
                    }
                    else if (interpreter.Append(item.Text!) is { Count: > 0 } contents)
                    {
                        yield return output.Update(contents);
                    }
                }
            }

            disposing.ThrowIfCancellationRequested();
        }
        finally
        {
            // A caller that stops reading, by cancellation or by leaving the loop, frees its sequence at the next step.
            request.Abandon();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : _model.GetService(serviceType);
    }

    public void Dispose()
    {
        // The model owns the context; disposing the client alone leaves the model usable.
    }

    /// <summary>Ends every request, waits for the scheduler's thread to leave, then frees the context. Called by the model when it is disposed.</summary>
    internal async Task CloseAsync()
    {
        var context = _scheduler.Context;
        await _scheduler.StopAsync().ConfigureAwait(false);
        context.Dispose();
    }

    private LLamaToken[] Tokenize(string prompt)
    {
        // Tokenizing reads only the vocabulary, so it runs on the caller's thread while the scheduler decodes.
        var tokens = _model.Weights.Tokenize(prompt, add_bos: _model.Weights.Vocab.ShouldAddBOS, special: true, System.Text.Encoding.UTF8);

        // Templates that spell out the BOS token would otherwise get it twice.
        if (tokens.Length > 1 && tokens[0] == tokens[1] && _model.Weights.Vocab.BOS is { } bos && tokens[0] == bos)
        {
            tokens = tokens[1..];
        }

        return tokens;
    }

    /// <summary>Creates a request's sampler from its options and output grammar; the one place sampling is configured.</summary>
    internal static ISamplingPipeline CreateSampler(ChatOptions? options, LLama.Sampling.Grammar? grammar = null) => new DefaultSamplingPipeline
    {
        Grammar = grammar,
        Temperature = options?.Temperature ?? DefaultTemperature,
        TopP = options?.TopP ?? DefaultTopP,
        TopK = options?.TopK ?? DefaultTopK,
        FrequencyPenalty = options?.FrequencyPenalty ?? 0,
        PresencePenalty = options?.PresencePenalty ?? 0,
        Seed = options?.Seed is { } seed ? unchecked((uint)seed) : (uint)Random.Shared.Next(),
    };

    /// <summary>The final update of a constrained request: the text still held back goes through the interpreter, then its calls and finish reason.</summary>
    private static ChatResponseUpdate Interpret(OutputInterpreter interpreter, ChatResponseUpdate final)
    {
        var tail = interpreter.Append(final.Text);
        var completion = interpreter.Complete(final.FinishReason);
        var others = final.Contents.Where(c => c is not TextContent);
        final.Contents = [.. tail, .. completion.Contents, .. others];
        final.FinishReason = completion.FinishReason;
        return final;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} uses a plain-transcript prompt because of its chat template: {Reason}")]
    private static partial void LogFallbackTemplate(ILogger logger, string modelId, string reason);
}
