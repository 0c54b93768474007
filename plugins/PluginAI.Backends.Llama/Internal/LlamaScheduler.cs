using System.Collections.Concurrent;
using System.Diagnostics;
using LLama;
using LLama.Native;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace PluginAI.Backends.Llama.Internal;

/// <summary>
/// Continuous batching for one chat model: a dedicated thread owns the context and is the only caller of
/// <c>llama_decode</c>; requests join and leave between decode steps.
/// </summary>
/// <remarks>
/// <para>
/// Each step builds one <see cref="LLamaBatch"/> holding one token for every generating sequence (its own
/// <see cref="LLamaSeqId"/>, position and logits) plus chunks of the prompts of sequences still being ingested, decodes it,
/// then samples every sequence that has logits with its own sampler and streams its text to its channel (the first
/// text at once, then at most one write per <see cref="GenerationRequest.StreamInterval"/>, so that a fast model does
/// not wake its reader for every token). While any
/// sequence is generating, a step takes at most <see cref="SharedPrefillTokens"/> prompt tokens, so a long prompt never
/// stops the others: they get a token every step while it is ingested.
/// </para>
/// <para>
/// Sequence ids are slots 0..ParallelSequences-1 (llama.cpp's <c>n_seq_max</c>). The key-value cache is unified: every
/// sequence may use up to the whole context when the others leave room, and none is given a fixed share. A slot keeps the
/// tokens whose cells it holds after its request ends; a new request takes the free slot whose tokens share the longest
/// prefix with its prompt, trims the rest and evaluates only what differs (always at least the last prompt token, for
/// logits). When the cache has no room, cached slots are evicted first; a request being ingested goes back to the head of
/// the queue and waits for a sequence to end; a generating sequence that cannot get a cell ends with
/// <see cref="ChatFinishReason.Length"/>. Other requests never fail because of it.
/// </para>
/// <para>
/// The context and batch are driven directly rather than through LLamaSharp's <c>BatchedExecutor</c>: it gives control
/// of what a step costs (one batch reused, no task or allocation per token, decode on this thread rather than through
/// <c>Task.Run</c>), of how much prompt a step takes, of which sequence yields when the cache is full, and of key-value
/// reuse across requests, which <c>Conversation</c> only offers through explicit forks.
/// </para>
/// <para>
/// Thread safety: <see cref="Submit"/> and the counters may be called from any thread; everything else runs on the
/// scheduler's thread.
/// </para>
/// </remarks>
internal sealed partial class LlamaScheduler
{
    /// <summary>The most prompt tokens one step takes while other sequences are generating, bounding their time between tokens.</summary>
    public const int SharedPrefillTokens = 128;

    private readonly LLamaContext _context;
    private readonly SafeLLamaContextHandle _handle;
    private readonly LlamaModel _model;
    private readonly ILogger _logger;
    private readonly int _contextSize;
    private readonly int _batchSize;
    private readonly int _parallel;
    private readonly int _queueLimit;
    private readonly KeyValuePair<string, object?> _tag;
    private readonly ConcurrentQueue<GenerationRequest> _incoming = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly List<GenerationRequest> _waiting = [];
    private readonly Slot[] _slots;
    private readonly LLamaBatch _batch = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private int _outstanding;
    private int _active;
    private long _clock;
    private bool _waitForRoom;
    private volatile bool _forgetCache;

    public LlamaScheduler(LlamaModel model, LLamaContext context, int parallelSequences, int queueLimit, ILogger logger)
    {
        _model = model;
        _context = context;
        _handle = context.NativeHandle;
        _logger = logger;
        _contextSize = (int)context.ContextSize;
        _batchSize = (int)context.BatchSize;
        _parallel = parallelSequences;
        _queueLimit = queueLimit;
        _tag = LlamaMetrics.ModelTag(model.Metadata.ModelId);
        _slots = new Slot[parallelSequences];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new Slot((LLamaSeqId)i, _contextSize);
        }

        _thread = new Thread(Run) { IsBackground = true, Name = $"llama scheduler {model.Metadata.ModelId}" };
        _thread.Start();
    }

    /// <summary>Gets the context the scheduler decodes on.</summary>
    public LLamaContext Context => _context;

    /// <summary>Gets the number of sequences being ingested or generated.</summary>
    public int ActiveSequences => Volatile.Read(ref _active);

    /// <summary>Gets the number of requests submitted and not yet finished, running or waiting.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>Called after every decode step with the number of generating sequences and of prompt tokens in the batch; for tests.</summary>
    internal Action<int, int>? StepObserver { get; set; }

    /// <summary>Queues a request; throws <c>model.overloaded</c> at once when every sequence is busy and the queue is full.</summary>
    public void Submit(GenerationRequest request)
    {
        if (_stopping.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(LlamaModel));
        }

        if (Interlocked.Increment(ref _outstanding) > _parallel + _queueLimit)
        {
            Interlocked.Decrement(ref _outstanding);
            throw new PluginException($"Model '{_model.Metadata.ModelId}' is busy: {_parallel} requests are generating and {_queueLimit} are waiting; retry later, or load it with more parallel sequences or a longer queue")
            {
                FilePath = _model.Metadata.ModelPath,
                ErrorCode = "model.overloaded",
            };
        }

        LlamaMetrics.QueueDepth.Add(1, _tag);
        _incoming.Enqueue(request);
        _signal.Release();
    }

    /// <summary>Forgets the prompts cached in the key-value cache, before the next request; for code that decoded on <see cref="Context"/> itself while no request ran.</summary>
    /// <remarks>
    /// Returns once the scheduler's thread has cleared the cache, so that the caller's next native call on the context
    /// cannot run at the same time as the clearing.
    /// </remarks>
    public void ForgetCachedPrompts()
    {
        _forgetCache = true;
        _signal.Release();
        if (!SpinWait.SpinUntil(() => !_forgetCache || _exited.Task.IsCompleted, TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException($"The scheduler of model '{_model.Metadata.ModelId}' did not clear its cache within 30 s; a request is still running.");
        }
    }

    /// <summary>Ends every request (with cancellation) and waits for the thread to leave; the context can then be freed.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _exited.Task.ConfigureAwait(false);
        _stopping.Dispose();
        _signal.Dispose();
    }

    private void Run()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                try
                {
                    if (!RunOnce())
                    {
                        _signal.Wait(_stopping.Token);
                    }
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    // Never take the server down: what ran fails, the cache starts empty, the loop goes on.
                    LogStepFailed(_logger, ex, _model.Metadata.ModelId);
                    FailAll(new PluginException($"llama.cpp failed while generating with model '{_model.Metadata.ModelId}': {ex.Message}", ex)
                    {
                        FilePath = _model.Metadata.ModelPath,
                        ErrorCode = "model.decode-failed",
                    });
                }
            }

            FailAll(new OperationCanceledException($"Model '{_model.Metadata.ModelId}' was unloaded.", _model.DisposingToken));
        }
        finally
        {
            _exited.TrySetResult();
        }
    }

    /// <summary>Admits and drops requests, then runs one decode step; returns false when there is nothing to do.</summary>
    private bool RunOnce()
    {
        if (_forgetCache && _active == 0)
        {
            _handle.MemoryClear(true);
            foreach (var slot in _slots)
            {
                slot.Count = 0;
            }

            // Reset last: ForgetCachedPrompts returns when it sees this, and the caller may then use the context.
            _forgetCache = false;
        }

        while (_incoming.TryDequeue(out var request))
        {
            _waiting.Add(request);
        }

        DropCancelled();
        if (_active == 0)
        {
            _waitForRoom = false;
        }

        Admit();
        if (_active == 0)
        {
            return false;
        }

        Step();
        return true;
    }

    private void DropCancelled()
    {
        foreach (var slot in _slots)
        {
            if (slot.Request is { IsCancelled: true } request)
            {
                request.Writer.TryComplete(new OperationCanceledException(request.CancellationToken));
                Release(slot, keepCache: false);
            }
        }

        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            var request = _waiting[i];
            if (request.IsCancelled)
            {
                _waiting.RemoveAt(i);
                LlamaMetrics.QueueDepth.Add(-1, _tag);
                Leave(request, new OperationCanceledException(request.CancellationToken));
            }
        }
    }

    private void Admit()
    {
        while (_waiting.Count > 0 && _active < _parallel && !_waitForRoom)
        {
            var request = _waiting[0];
            var prompt = request.PromptTokens;

            // The free slot sharing the longest prefix; among equals, an empty one, then the least recently used.
            Slot? chosen = null;
            var shared = -1;
            foreach (var slot in _slots)
            {
                if (slot.Request is not null)
                {
                    continue;
                }

                var common = Math.Min(slot.Tokens.AsSpan(0, slot.Count).CommonPrefixLength(prompt), prompt.Length - 1);
                if (common > shared || (common == shared && EvictionOrder(slot) < EvictionOrder(chosen!)))
                {
                    chosen = slot;
                    shared = common;
                }
            }

            // Room for the rest of the prompt and a first generated token, counting what running sequences still have to ingest.
            var needed = prompt.Length - shared + 1;
            if (needed > _contextSize - CellsInUse(chosen!, shared))
            {
                EvictIdle(except: chosen!);
                if (needed > _contextSize - CellsInUse(chosen!, shared))
                {
                    // Only running sequences hold the cells; the request waits for one to end.
                    _waitForRoom = true;
                    break;
                }
            }

            _waiting.RemoveAt(0);
            LlamaMetrics.QueueDepth.Add(-1, _tag);
            if (shared < chosen!.Count)
            {
                _handle.MemorySequenceRemove(chosen.Id, shared, -1);
                chosen.Count = shared;
            }

            chosen.Request = request;
            chosen.PromptNext = shared;
            chosen.HasPending = false;
            chosen.LastUsed = ++_clock;
            request.Output.CachedPromptTokens = shared;
            if (shared > 0)
            {
                LlamaMetrics.PromptTokensCached.Add(shared, _tag);
            }

            Volatile.Write(ref _active, _active + 1);
            LlamaMetrics.ActiveSequences.Add(1, _tag);
        }
    }

    /// <summary>Empty slots first, then the least recently used.</summary>
    private static long EvictionOrder(Slot slot) => slot.Count == 0 ? long.MinValue : slot.LastUsed;

    private int CellsInUse(Slot chosen, int keep)
    {
        var cells = 0;
        foreach (var slot in _slots)
        {
            cells += slot == chosen ? keep : slot.Count + (slot.Request is { } request ? request.PromptTokens.Length - slot.PromptNext : 0);
        }

        return cells;
    }

    private bool EvictIdle(Slot? except)
    {
        var evicted = false;
        foreach (var slot in _slots)
        {
            if (slot.Request is null && slot.Count > 0 && slot != except)
            {
                _handle.MemorySequenceRemove(slot.Id, -1, -1);
                slot.Count = 0;
                evicted = true;
            }
        }

        return evicted;
    }

    private void Step()
    {
        _batch.Clear();
        var generating = 0;
        foreach (var slot in _slots)
        {
            slot.BatchIndex = -1;
            slot.Chunk = 0;
            if (slot is { Request: not null, HasPending: true })
            {
                slot.BatchIndex = _batch.Add(slot.Pending, slot.Count, slot.Id, true);
                generating++;
            }
        }

        var budget = generating == 0 ? _batchSize : Math.Min(SharedPrefillTokens, _batchSize - generating);
        var promptTokens = 0;
        foreach (var slot in _slots)
        {
            if (budget <= 0)
            {
                break;
            }

            if (slot is not { Request: { } request, HasPending: false })
            {
                continue;
            }

            var prompt = request.PromptTokens;
            var count = Math.Min(budget, prompt.Length - slot.PromptNext);
            for (var i = 0; i < count; i++)
            {
                var index = slot.PromptNext + i;
                var last = index == prompt.Length - 1;
                var at = _batch.Add(prompt[index], slot.Count + i, slot.Id, last);
                if (last)
                {
                    slot.BatchIndex = at;
                }
            }

            slot.Chunk = count;
            budget -= count;
            promptTokens += count;
        }

        var result = _context.Decode(_batch);
        if (result == DecodeResult.NoKvSlot)
        {
            MakeRoom();
            return;
        }

        if (result != DecodeResult.Ok)
        {
            FailBatch(result);
            return;
        }

        LlamaMetrics.BatchSize.Record(_batch.TokenCount, _tag);
        var produced = 0;
        foreach (var slot in _slots)
        {
            if (slot.Request is not { } request)
            {
                continue;
            }

            if (slot.HasPending)
            {
                slot.Tokens[slot.Count++] = slot.Pending;
                slot.HasPending = false;
            }
            else if (slot.Chunk > 0)
            {
                request.PromptTokens.AsSpan(slot.PromptNext, slot.Chunk).CopyTo(slot.Tokens.AsSpan(slot.Count));
                slot.Count += slot.Chunk;
                slot.PromptNext += slot.Chunk;
            }

            if (slot.BatchIndex < 0)
            {
                continue;
            }

            var output = request.Output;
            var before = output.Generated;
            var token = request.Sampler.Sample(_handle, slot.BatchIndex);
            var text = output.Add(token);
            produced += output.Generated - before;
            if (before == 0 && output.Generated > 0)
            {
                LlamaMetrics.TimeToFirstToken.Record(Stopwatch.GetElapsedTime(request.SubmittedAt).TotalSeconds, _tag);
            }

            request.WriteText(text, Stopwatch.GetTimestamp());

            if (output.Finish is { } finish)
            {
                Complete(slot, finish);
            }
            else if (slot.Count + 1 >= _contextSize)
            {
                // Evaluating the token would leave no room for another: prompt plus output never exceed the context.
                Complete(slot, ChatFinishReason.Length);
            }
            else
            {
                slot.Pending = token;
                slot.HasPending = true;
            }
        }

        var now = Stopwatch.GetTimestamp();
        foreach (var slot in _slots)
        {
            slot.Request?.FlushHeld(now, force: false);
        }

        LlamaMetrics.Tokens.Add(produced, _tag);
        StepObserver?.Invoke(generating, promptTokens);
    }

    /// <summary>After <see cref="DecodeResult.NoKvSlot"/>: frees cells, cheapest loss first, so that the next step can run.</summary>
    private void MakeRoom()
    {
        if (EvictIdle(except: null))
        {
            return;
        }

        // A prompt being ingested goes back to the head of the queue, the newest first, and waits for room.
        Slot? ingesting = null;
        foreach (var slot in _slots)
        {
            if (slot is { Request: not null, HasPending: false } && (ingesting is null || slot.LastUsed > ingesting.LastUsed))
            {
                ingesting = slot;
            }
        }

        if (ingesting is not null)
        {
            var request = ingesting.Request!;
            _handle.MemorySequenceRemove(ingesting.Id, -1, -1);
            ingesting.Count = 0;
            ingesting.Request = null;
            Volatile.Write(ref _active, _active - 1);
            LlamaMetrics.ActiveSequences.Add(-1, _tag);
            request.Output.CachedPromptTokens = 0;
            if (_active == 0)
            {
                // Nothing else holds cells, so waiting would not help: the prompt does not fit this context at all.
                Leave(request, _model.ContextOverflow(request.PromptTokens.Length, _contextSize, "prompt"));
                return;
            }

            _waiting.Insert(0, request);
            LlamaMetrics.QueueDepth.Add(1, _tag);
            _waitForRoom = true;
            return;
        }

        // Only generating sequences remain: the longest one ends as if it had filled the context.
        Slot? longest = null;
        foreach (var slot in _slots)
        {
            if (slot.Request is not null && (longest is null || slot.Count > longest.Count))
            {
                longest = slot;
            }
        }

        if (longest is not null)
        {
            Complete(longest, ChatFinishReason.Length);
        }
    }

    private void FailBatch(DecodeResult result)
    {
        var error = new PluginException($"llama.cpp failed to evaluate tokens for model '{_model.Metadata.ModelId}': {result}")
        {
            FilePath = _model.Metadata.ModelPath,
            ErrorCode = "model.decode-failed",
        };
        foreach (var slot in _slots)
        {
            if (slot.Request is { } request && (slot.HasPending || slot.Chunk > 0))
            {
                request.Writer.TryComplete(error);
                Release(slot, keepCache: false);
            }
        }
    }

    private void FailAll(Exception error)
    {
        foreach (var slot in _slots)
        {
            if (slot.Request is { } request)
            {
                request.Writer.TryComplete(error);
                Release(slot, keepCache: false);
            }
        }

        while (_incoming.TryDequeue(out var incoming))
        {
            _waiting.Add(incoming);
        }

        foreach (var request in _waiting)
        {
            LlamaMetrics.QueueDepth.Add(-1, _tag);
            Leave(request, error);
        }

        _waiting.Clear();
        _waitForRoom = false;
        if (error is not OperationCanceledException)
        {
            _handle.MemoryClear(true);
            foreach (var slot in _slots)
            {
                slot.Count = 0;
            }
        }
    }

    private void Complete(Slot slot, ChatFinishReason finish)
    {
        var request = slot.Request!;
        request.FlushHeld(0, force: true);
        request.Writer.TryWrite(new SequenceEvent(null, request.Output.Complete(finish)));
        request.Writer.TryComplete();
        Release(slot, keepCache: true);
    }

    private void Release(Slot slot, bool keepCache)
    {
        var request = slot.Request!;
        slot.Request = null;
        slot.HasPending = false;
        slot.LastUsed = ++_clock;
        if (!keepCache)
        {
            _handle.MemorySequenceRemove(slot.Id, -1, -1);
            slot.Count = 0;
        }

        Volatile.Write(ref _active, _active - 1);
        LlamaMetrics.ActiveSequences.Add(-1, _tag);
        _waitForRoom = false;
        Leave(request, error: null);
    }

    private void Leave(GenerationRequest request, Exception? error)
    {
        if (error is not null)
        {
            request.Writer.TryComplete(error);
        }

        request.Sampler.Dispose();
        Interlocked.Decrement(ref _outstanding);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The scheduler of model {ModelId} failed a step; the requests it ran were failed and its cache cleared")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string modelId);

    /// <summary>One of llama.cpp's sequences: the request using it, and the tokens its key-value cells hold.</summary>
    private sealed class Slot(LLamaSeqId id, int contextSize)
    {
        public LLamaSeqId Id { get; } = id;

        /// <summary>Gets the tokens at positions 0..<see cref="Count"/>-1 of this sequence's cells; kept after the request ends, for reuse.</summary>
        public LLamaToken[] Tokens { get; } = new LLamaToken[contextSize];

        public int Count { get; set; }

        public GenerationRequest? Request { get; set; }

        /// <summary>Gets or sets the index of the next prompt token to evaluate.</summary>
        public int PromptNext { get; set; }

        /// <summary>Gets or sets the token sampled last, to evaluate in the next step, when <see cref="HasPending"/>.</summary>
        public LLamaToken Pending { get; set; }

        public bool HasPending { get; set; }

        /// <summary>Gets or sets the index of this sequence's logits in the current batch, or -1.</summary>
        public int BatchIndex { get; set; }

        /// <summary>Gets or sets the number of prompt tokens in the current batch.</summary>
        public int Chunk { get; set; }

        public long LastUsed { get; set; }
    }
}
