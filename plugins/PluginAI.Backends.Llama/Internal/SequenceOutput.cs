using System.Text;
using LLama;
using LLama.Native;
using Microsoft.Extensions.AI;

namespace PluginAI.Backends.Llama.Internal;

/// <summary>
/// Everything one request does with the tokens it is given: decodes them to text, holds back what could become a stop
/// sequence, counts them against the output limit, and builds the final update with the finish reason and usage.
/// </summary>
/// <remarks>
/// Used by the scheduler's thread only, one instance per request, so it needs no locking. It knows nothing of batches
/// or sequence ids; the scheduler ends a sequence when <see cref="Finish"/> is set, or calls
/// <see cref="Complete"/> with its own reason (the context filled, the cache had no room).
/// </remarks>
internal sealed class SequenceOutput
{
    private readonly StreamingTokenDecoder _decoder;
    private readonly StopSequenceMatcher _stops;
    private readonly SafeLlamaModelHandle.Vocabulary _vocab;
    private readonly int _maxTokens;
    private readonly string _responseId;
    private readonly string _modelId;
    private bool _stoppedBySequence;

    public SequenceOutput(LLamaWeights weights, string modelId, ChatOptions? options, int promptTokens)
    {
        _decoder = new StreamingTokenDecoder(Encoding.UTF8, weights);
        _stops = new StopSequenceMatcher(options?.StopSequences);
        _vocab = weights.NativeHandle.Vocab;
        _maxTokens = options?.MaxOutputTokens is > 0 and var max ? max : int.MaxValue;
        _responseId = Guid.NewGuid().ToString("N");
        _modelId = modelId;
        PromptTokens = promptTokens;
    }

    /// <summary>Gets the number of prompt tokens.</summary>
    public int PromptTokens { get; }

    /// <summary>Gets or sets the number of prompt tokens whose key-value cells were reused from an earlier request.</summary>
    public int CachedPromptTokens { get; set; }

    /// <summary>Gets the number of tokens generated so far (end of generation not counted).</summary>
    public int Generated { get; private set; }

    /// <summary>Gets why generation must end, once a token has ended it; <see langword="null"/> while it may go on.</summary>
    public ChatFinishReason? Finish { get; private set; }

    /// <summary>Takes a sampled token; returns the text that may be shown now (often empty), and sets <see cref="Finish"/> when it ends generation.</summary>
    public string Add(LLamaToken token)
    {
        if (token.IsEndOfGeneration(_vocab))
        {
            Finish = ChatFinishReason.Stop;
            return string.Empty;
        }

        Generated++;
        _decoder.Add(token);
        var (text, stopped) = _stops.Append(_decoder.Read());
        if (stopped)
        {
            _stoppedBySequence = true;
            Finish = ChatFinishReason.Stop;
        }
        else if (Generated >= _maxTokens)
        {
            Finish = ChatFinishReason.Length;
        }

        return text;
    }

    /// <summary>Ends the output: the text still held back (unless a stop sequence ended it), the finish reason and the usage.</summary>
    public ChatResponseUpdate Complete(ChatFinishReason finish)
    {
        var rest = _stoppedBySequence ? string.Empty : _stops.Append(_decoder.Read()).Emit + _stops.Flush();
        var final = Update(rest);
        final.FinishReason = finish;
        final.Contents.Add(new UsageContent(new UsageDetails
        {
            InputTokenCount = PromptTokens,
            OutputTokenCount = Generated,
            TotalTokenCount = PromptTokens + Generated,
            CachedInputTokenCount = CachedPromptTokens,
        }));
        return final;
    }

    /// <summary>Builds a streamed update carrying <paramref name="contents"/>, with this response's identifiers.</summary>
    public ChatResponseUpdate Update(IList<AIContent> contents) =>
        new(ChatRole.Assistant, contents)
        {
            ResponseId = _responseId,
            MessageId = _responseId,
            ModelId = _modelId,
        };

    /// <summary>Builds a streamed update carrying <paramref name="text"/>, with this response's identifiers.</summary>
    public ChatResponseUpdate Update(string text) =>
        new(ChatRole.Assistant, text.Length > 0 ? [new TextContent(text)] : [])
        {
            ResponseId = _responseId,
            MessageId = _responseId,
            ModelId = _modelId,
        };
}
