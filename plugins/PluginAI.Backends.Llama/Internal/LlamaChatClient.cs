using System.Runtime.CompilerServices;
using LLama;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using PluginAI.Backends.Llama.Internal.Grammar;

namespace PluginAI.Backends.Llama.Internal;

/// <summary>Generates text from a GGUF model, one request at a time; later callers wait in turn.</summary>
internal sealed partial class LlamaChatClient : IChatClient
{
    private const float DefaultTemperature = 0.8f;
    private const float DefaultTopP = 0.95f;
    private const int DefaultTopK = 40;

    private readonly LlamaModel _model;
    private readonly LLamaContext _context;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly PromptFormatter _formatter;
    private readonly LLamaBatch _batch = new();
    private readonly ChatClientMetadata _metadata;

    public LlamaChatClient(LlamaModel model, LLamaContext context, ILogger logger)
    {
        _model = model;
        _context = context;
        _formatter = new PromptFormatter(model.Weights, model.Header.ChatTemplate);
        _metadata = new ChatClientMetadata("llama.cpp", defaultModelId: model.Metadata.ModelId);
        if (!_formatter.UsesModelTemplate)
        {
            LogFallbackTemplate(logger, model.Metadata.ModelId, model.Header.ChatTemplate is null ? "it has none" : "llama.cpp does not recognise it");
        }
    }

    /// <summary>Gets the context requests run on; the benchmarks run their reference loop on the same one.</summary>
    internal LLamaContext Context => _context;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        _model.ThrowIfDisposed();
        var constraint = OutputConstraint.From(options);
        var prompt = _formatter.Format(messages, options, constraint?.ToolInstructions);
        var responseId = Guid.NewGuid().ToString("N");
        var modelId = _model.Metadata.ModelId;

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _model.DisposingToken);
        var token = linked.Token;
        await _gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            var handle = _context.NativeHandle;
            var contextSize = (int)_context.ContextSize;
            var promptTokens = Tokenize(prompt);
            if (promptTokens.Length >= contextSize)
            {
                throw _model.ContextOverflow(promptTokens.Length, contextSize, "prompt");
            }

            handle.MemoryClear(true);
            var position = await DecodePromptAsync(promptTokens, token).ConfigureAwait(false);

            using var sampler = CreateSampler(options, constraint);
            var output = constraint?.CreateInterpreter() ?? new OutputInterpreter(toolCalls: false);
            var decoder = new StreamingTokenDecoder(_context);
            var stops = new StopSequenceMatcher(options?.StopSequences);
            var maxTokens = options?.MaxOutputTokens is > 0 and var max ? max : int.MaxValue;
            var vocab = _model.Weights.NativeHandle.Vocab;
            var generated = 0;
            ChatFinishReason finish;

            while (true)
            {
                token.ThrowIfCancellationRequested();
                var next = sampler.Sample(handle, _batch.TokenCount - 1);
                if (next.IsEndOfGeneration(vocab))
                {
                    finish = ChatFinishReason.Stop;
                    break;
                }

                generated++;
                decoder.Add(next);
                var (text, stopped) = stops.Append(decoder.Read());
                if (output.Append(text) is { Count: > 0 } contents)
                {
                    yield return Update(contents, responseId, modelId);
                }

                if (stopped)
                {
                    finish = ChatFinishReason.Stop;
                    break;
                }

                // Checked before evaluating the token, which would only matter for a next one: prompt plus output never exceeds the context.
                if (generated >= maxTokens || position + 1 >= contextSize)
                {
                    finish = ChatFinishReason.Length;
                    break;
                }

                _batch.Clear();
                _batch.Add(next, position++, LLamaSeqId.Zero, true);
                await DecodeAsync(token).ConfigureAwait(false);
            }

            var rest = finish == ChatFinishReason.Length || generated == 0 ? stops.Flush() + decoder.Read() : string.Empty;
            var tail = output.Append(rest);
            var completion = output.Complete(finish);
            var final = Update([.. tail, .. completion.Contents], responseId, modelId);
            final.FinishReason = completion.FinishReason;
            final.Contents.Add(new UsageContent(new UsageDetails
            {
                InputTokenCount = promptTokens.Length,
                OutputTokenCount = generated,
                TotalTokenCount = promptTokens.Length + generated,
            }));
            yield return final;
        }
        finally
        {
            _gate.Release();
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

    /// <summary>Waits for the running request to leave, then frees the context. Called by the model when it is disposed.</summary>
    internal async Task CloseAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        _context.Dispose();
        _gate.Dispose();
    }

    private LLamaToken[] Tokenize(string prompt)
    {
        var tokens = _context.Tokenize(prompt, addBos: _model.Weights.Vocab.ShouldAddBOS, special: true);

        // Templates that spell out the BOS token would otherwise get it twice.
        if (tokens.Length > 1 && tokens[0] == tokens[1] && _model.Weights.Vocab.BOS is { } bos && tokens[0] == bos)
        {
            tokens = tokens[1..];
        }

        return tokens;
    }

    private async Task<int> DecodePromptAsync(LLamaToken[] tokens, CancellationToken cancellationToken)
    {
        var batchSize = (int)_context.BatchSize;
        var position = 0;
        while (position < tokens.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _batch.Clear();
            var count = Math.Min(batchSize, tokens.Length - position);
            for (var i = 0; i < count; i++)
            {
                _batch.Add(tokens[position + i], position + i, LLamaSeqId.Zero, position + i == tokens.Length - 1);
            }

            await DecodeAsync(cancellationToken).ConfigureAwait(false);
            position += count;
        }

        return position;
    }

    private Task DecodeAsync(CancellationToken cancellationToken)
    {
        // Decoding runs on the caller's thread rather than through LLamaContext.DecodeAsync's Task.Run, so that one
        // request's native calls stay on one thread instead of hopping between pool threads every token.
        cancellationToken.ThrowIfCancellationRequested();
        var result = _context.Decode(_batch);
        if (result != DecodeResult.Ok)
        {
            throw new PluginException($"llama.cpp failed to evaluate tokens for model '{_model.Metadata.ModelId}': {result}")
            {
                FilePath = _model.Metadata.ModelPath,
                ErrorCode = "model.decode-failed",
            };
        }

        return Task.CompletedTask;
    }

    private DefaultSamplingPipeline CreateSampler(ChatOptions? options, OutputConstraint? constraint) => new()
    {
        Grammar = constraint?.ToGrammar(_model.Weights.NativeHandle),
        Temperature = options?.Temperature ?? DefaultTemperature,
        TopP = options?.TopP ?? DefaultTopP,
        TopK = options?.TopK ?? DefaultTopK,
        FrequencyPenalty = options?.FrequencyPenalty ?? 0,
        PresencePenalty = options?.PresencePenalty ?? 0,
        Seed = options?.Seed is { } seed ? unchecked((uint)seed) : (uint)Random.Shared.Next(),
    };

    private static ChatResponseUpdate Update(IList<AIContent> contents, string responseId, string modelId) =>
        new(ChatRole.Assistant, contents)
        {
            ResponseId = responseId,
            MessageId = responseId,
            ModelId = modelId,
        };

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} uses a plain-transcript prompt because of its chat template: {Reason}")]
    private static partial void LogFallbackTemplate(ILogger logger, string modelId, string reason);
}
