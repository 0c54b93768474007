using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace PluginAI.Backends.Onnx.Internal;

/// <summary>
/// Turns texts into sentence embeddings with a BERT encoder: WordPiece tokenization, truncation, length-sorted batches
/// padded to their longest member, attention-mask mean pooling over <c>last_hidden_state</c> and L2 normalisation.
/// </summary>
/// <remarks>
/// Safe to call from several threads: ONNX Runtime sessions run concurrently, and the tokenizer is used under a lock.
/// <see cref="Dispose"/> waits for calls in flight, so a session is never released while it runs.
/// </remarks>
internal sealed class BertEmbedder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly FastBertTokenizer.BertTokenizer _tokenizer;
    private readonly Lock _tokenizerLock = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames = [BertModelSignature.LastHiddenState];
    private readonly bool _hasTokenTypeIds;
    private readonly int _maxBatchSize;
    private readonly int _maxBatchTokens;
    private readonly bool _profiling;
    private readonly Lock _gate = new();
    private int _activeCalls;
    private bool _disposed;

    private BertEmbedder(InferenceSession session, FastBertTokenizer.BertTokenizer tokenizer, bool hasTokenTypeIds, int maxSequenceLength, int maxBatchSize, int maxBatchTokens, bool profiling)
    {
        _profiling = profiling;
        _session = session;
        _tokenizer = tokenizer;
        _hasTokenTypeIds = hasTokenTypeIds;
        _inputNames = hasTokenTypeIds
            ? [BertModelSignature.InputIds, BertModelSignature.AttentionMask, BertModelSignature.TokenTypeIds]
            : [BertModelSignature.InputIds, BertModelSignature.AttentionMask];
        MaxSequenceLength = maxSequenceLength;
        _maxBatchSize = maxBatchSize;
        _maxBatchTokens = Math.Max(maxBatchTokens, maxSequenceLength);
    }

    /// <summary>Gets the length of the embeddings.</summary>
    public int Dimensions { get; private set; }

    /// <summary>Gets the longest input in tokens, [CLS] and [SEP] included; longer inputs are truncated.</summary>
    public int MaxSequenceLength { get; }

    /// <summary>Gets the most inputs run together.</summary>
    public int MaxBatchSize => _maxBatchSize;

    /// <summary>Creates an embedder over a session, which it then owns.</summary>
    /// <param name="session">The session; disposed if creation fails.</param>
    /// <param name="files">The model's files.</param>
    /// <param name="maxSequenceLength">The longest input in tokens.</param>
    /// <param name="maxBatchSize">The most inputs run together.</param>
    /// <param name="maxBatchTokens">The most padded tokens run together.</param>
    /// <param name="profiling">Whether the session was created with ONNX Runtime's profiler on, whose file is written when the embedder is disposed.</param>
    /// <returns>The embedder, checked with one run.</returns>
    /// <exception cref="PluginException">The graph is not a BERT encoder or the vocabulary cannot be read.</exception>
    public static BertEmbedder Create(InferenceSession session, BertModelFiles files, int maxSequenceLength, int maxBatchSize, int maxBatchTokens, bool profiling)
    {
        try
        {
            var (hasTokenTypeIds, hiddenSize) = BertModelSignature.Validate(session, files.ModelPath);
            var tokenizer = LoadTokenizer(files);
            var embedder = new BertEmbedder(session, tokenizer, hasTokenTypeIds, maxSequenceLength, maxBatchSize, maxBatchTokens, profiling) { Dimensions = hiddenSize };

            // One run proves the graph executes and gives the hidden size when the graph leaves it symbolic.
            var probe = embedder.Embed([string.Empty], CancellationToken.None, out _);
            if (hiddenSize != 0 && probe[0].Length != hiddenSize)
            {
                throw new PluginException($"The ONNX model '{files.ModelPath}' declares {hiddenSize} hidden dimensions but produced {probe[0].Length}.")
                {
                    FilePath = files.ModelPath,
                    ErrorCode = "model.unexpected-signature",
                };
            }

            embedder.Dimensions = probe[0].Length;
            return embedder;
        }
        catch (OnnxRuntimeException ex)
        {
            session.Dispose();
            throw new PluginException($"The ONNX model '{files.ModelPath}' loads but fails to run as a BERT encoder: {ex.Message}", ex)
            {
                FilePath = files.ModelPath,
                ErrorCode = "model.run-failed",
            };
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Embeds texts.</summary>
    /// <param name="texts">The texts; an empty text embeds as [CLS] [SEP], as sentence-transformers does.</param>
    /// <param name="cancellationToken">A token that stops the run in progress.</param>
    /// <param name="tokenCount">The number of tokens run, padding excluded.</param>
    /// <returns>One unit-length vector per text, in input order.</returns>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken, out long tokenCount)
    {
        Enter();
        try
        {
            var tokens = Tokenize(texts, out tokenCount);

            // Longest first, so each batch pads only to lengths close to its own and the first batch shows the peak memory.
            var order = new int[tokens.Length];
            var lengths = new int[tokens.Length];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
                lengths[i] = -tokens[i].Length;
            }

            Array.Sort(lengths, order);

            var vectors = new float[tokens.Length][];
            using var runOptions = new RunOptions();
            using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
            for (var start = 0; start < order.Length;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var width = tokens[order[start]].Length;
                var count = Math.Min(order.Length - start, Math.Clamp(_maxBatchTokens / width, 1, _maxBatchSize));
                try
                {
                    RunBatch(tokens, order.AsSpan(start, count), width, runOptions, vectors);
                }
                catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }

                start += count;
            }

            return vectors;
        }
        finally
        {
            Exit();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        bool release;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            release = _activeCalls == 0;
        }

        if (release)
        {
            ReleaseSession();
        }
    }

    private void ReleaseSession()
    {
        if (_profiling)
        {
            // Releasing a session does not write its profile; only ending the profiler does.
            try
            {
                _session.EndProfiling();
            }
            catch (OnnxRuntimeException)
            {
                // A profile that cannot be written is a diagnostic lost, not a failure of the model.
            }
        }

        _session.Dispose();
    }

    private static FastBertTokenizer.BertTokenizer LoadTokenizer(BertModelFiles files)
    {
        var tokenizer = new FastBertTokenizer.BertTokenizer();
        try
        {
            using var reader = File.OpenText(files.VocabularyPath);
            tokenizer.LoadVocabulary(reader, convertInputToLowercase: files.LowerCase);
            return tokenizer;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            throw new PluginException($"The vocabulary '{files.VocabularyPath}' cannot be read as a BERT WordPiece vocabulary: {ex.Message}", ex)
            {
                FilePath = files.VocabularyPath,
                ErrorCode = "model.bad-vocabulary",
            };
        }
    }

    /// <summary>Counts the WordPiece tokens of a text without [CLS] and [SEP], up to 4,094, as chunkers need to cut text to fit.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The number of tokens.</returns>
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new long[4096];
        var mask = new long[4096];
        lock (_tokenizerLock)
        {
            return Math.Max(0, _tokenizer.Encode(text, ids, mask, padTo: null) - 2);
        }
    }

    private long[][] Tokenize(IReadOnlyList<string> texts, out long tokenCount)
    {
        var tokens = new long[texts.Count][];
        var ids = new long[MaxSequenceLength];
        var mask = new long[MaxSequenceLength];
        tokenCount = 0;

        // FastBertTokenizer does not document its encoder as thread-safe; tokenizing is a few microseconds a text
        // against milliseconds of inference, so a lock costs nothing measurable.
        lock (_tokenizerLock)
        {
            for (var i = 0; i < tokens.Length; i++)
            {
                var count = _tokenizer.Encode(texts[i], ids, mask, padTo: null);
                tokens[i] = ids.AsSpan(0, count).ToArray();
                tokenCount += count;
            }
        }

        return tokens;
    }

    private void RunBatch(long[][] tokens, ReadOnlySpan<int> rows, int width, RunOptions runOptions, float[][] vectors)
    {
        var size = rows.Length * width;
        var inputIds = new long[size];
        var attentionMask = new long[size];
        for (var r = 0; r < rows.Length; r++)
        {
            var row = tokens[rows[r]];
            row.CopyTo(inputIds, r * width);
            attentionMask.AsSpan(r * width, row.Length).Fill(1);
        }

        long[] shape = [rows.Length, width];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(inputIds, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(attentionMask, shape);
        using var typesValue = _hasTokenTypeIds ? OrtValue.CreateTensorValueFromMemory(new long[size], shape) : null;
        OrtValue[] inputs = typesValue is null ? [idsValue, maskValue] : [idsValue, maskValue, typesValue];
        using var outputs = _session.Run(runOptions, _inputNames, inputs, _outputNames);

        var output = outputs[0];
        var outputShape = output.GetTensorTypeAndShape().Shape;
        if (outputShape.Length != 3 || outputShape[0] != rows.Length || outputShape[1] != width)
        {
            throw new PluginException($"The model returned {BertModelSignature.LastHiddenState} of shape [{string.Join(", ", outputShape)}] for input [{rows.Length}, {width}].")
            {
                ErrorCode = "model.unexpected-signature",
            };
        }

        var hidden = (int)outputShape[2];
        var states = output.GetTensorDataAsSpan<float>();
        for (var r = 0; r < rows.Length; r++)
        {
            // Padding is at the end of each row, so the attention-mask mean is the mean of the first `length` states.
            var length = tokens[rows[r]].Length;
            var vector = new float[hidden];
            var rowStates = states.Slice(r * width * hidden, length * hidden);
            for (var t = 0; t < length; t++)
            {
                TensorPrimitives.Add(vector, rowStates.Slice(t * hidden, hidden), vector);
            }

            TensorPrimitives.Divide(vector, length, vector);
            var norm = TensorPrimitives.Norm<float>(vector);
            if (norm > 0)
            {
                TensorPrimitives.Divide(vector, norm, vector);
            }

            vectors[rows[r]] = vector;
        }
    }

    private void Enter()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _activeCalls++;
        }
    }

    private void Exit()
    {
        bool release;
        lock (_gate)
        {
            _activeCalls--;
            release = _disposed && _activeCalls == 0;
        }

        if (release)
        {
            ReleaseSession();
        }
    }
}
