using System.Diagnostics;
using System.Threading.Channels;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;

namespace PluginAI.Backends.Llama.Internal;

/// <summary>One chat request handed to the <see cref="LlamaScheduler"/>: what to evaluate, how to sample, and where its output goes.</summary>
/// <remarks>
/// The caller creates it and reads <see cref="Reader"/>; once submitted, the scheduler's thread alone uses the sampler
/// and the output, writes to the channel and disposes the sampler when the request leaves.
/// </remarks>
internal sealed class GenerationRequest
{
    /// <summary>
    /// How long text may be held back to be sent with the next: each write wakes the reader on another thread, which on a
    /// model that makes a token a millisecond costs more than the token; 5 ms is under one frame of a 120 Hz display.
    /// </summary>
    public static readonly long StreamInterval = Stopwatch.Frequency / 200;

    private readonly Channel<SequenceEvent> _channel = Channel.CreateUnbounded<SequenceEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly System.Text.StringBuilder _held = new();
    private long _lastWrite;
    private int _abandoned;

    public GenerationRequest(LLamaToken[] promptTokens, ISamplingPipeline sampler, SequenceOutput output, CancellationToken cancellationToken)
    {
        PromptTokens = promptTokens;
        Sampler = sampler;
        Output = output;
        CancellationToken = cancellationToken;
        SubmittedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Gets the prompt's tokens; fewer than the context size.</summary>
    public LLamaToken[] PromptTokens { get; }

    /// <summary>Gets this request's own sampler (temperature, seed and the like; at merge, its grammar).</summary>
    public ISamplingPipeline Sampler { get; }

    /// <summary>Gets the per-request output handling: decoding, stop sequences, the token limit, usage.</summary>
    public SequenceOutput Output { get; }

    /// <summary>Gets the caller's token; the request leaves the scheduler at the next step once it fires.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Gets the <see cref="Stopwatch"/> timestamp of submission, for the time to the first token.</summary>
    public long SubmittedAt { get; }

    /// <summary>Gets what the scheduler writes: text as it is generated, then the final update; completed with an exception on failure or cancellation.</summary>
    public ChannelWriter<SequenceEvent> Writer => _channel.Writer;

    /// <summary>Gets what the caller reads.</summary>
    public ChannelReader<SequenceEvent> Reader => _channel.Reader;

    /// <summary>Gets a value indicating whether the caller cancelled or stopped reading.</summary>
    public bool IsCancelled => Volatile.Read(ref _abandoned) != 0 || CancellationToken.IsCancellationRequested;

    /// <summary>
    /// Streams text to the caller: the first text at once, later text once <see cref="StreamInterval"/> has passed since
    /// the last write, with whatever was held back before it. Called on the scheduler's thread.
    /// </summary>
    /// <param name="text">The text of one token; may be empty.</param>
    /// <param name="now">The current <see cref="Stopwatch"/> timestamp.</param>
    public void WriteText(string text, long now)
    {
        if (text.Length == 0)
        {
            return;
        }

        if (_lastWrite != 0 && now - _lastWrite < StreamInterval)
        {
            _held.Append(text);
            return;
        }

        if (_held.Length > 0)
        {
            text = _held.Append(text).ToString();
            _held.Clear();
        }

        _channel.Writer.TryWrite(new SequenceEvent(text, null));
        _lastWrite = now;
    }

    /// <summary>Sends the text held back, when <see cref="StreamInterval"/> has passed since the last write or <paramref name="force"/> says so; called after every step and before the final update.</summary>
    /// <param name="now">The current <see cref="Stopwatch"/> timestamp.</param>
    /// <param name="force">Whether to send it regardless of the time.</param>
    public void FlushHeld(long now, bool force)
    {
        if (_held.Length > 0 && (force || now - _lastWrite >= StreamInterval))
        {
            _channel.Writer.TryWrite(new SequenceEvent(_held.ToString(), null));
            _held.Clear();
            _lastWrite = now;
        }
    }

    /// <summary>Marks the request as no longer read, so that the scheduler frees its sequence at the next step.</summary>
    public void Abandon() => Volatile.Write(ref _abandoned, 1);
}

/// <summary>An item of a request's output channel: a piece of text, or the final update with the finish reason and usage.</summary>
/// <remarks>A struct, so that streaming a token allocates nothing beyond the text itself on the scheduler's thread.</remarks>
internal readonly record struct SequenceEvent(string? Text, ChatResponseUpdate? Final);
