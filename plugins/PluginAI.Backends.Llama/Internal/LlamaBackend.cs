using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using Microsoft.Extensions.Logging;
using PluginAI.Gguf;

namespace PluginAI.Backends.Llama.Internal;

/// <summary>Loads GGUF models with llama.cpp through LLamaSharp.</summary>
internal sealed partial class LlamaBackend : IInferenceBackend
{
    private const int DefaultContextSize = 4096;
    private const int DefaultParallelSequences = 4;

    // llama.cpp's LLAMA_MAX_SEQ.
    private const int MaxParallelSequences = 256;

    private readonly ILogger _logger;

    public LlamaBackend(ILogger logger)
    {
        _logger = logger;

        // Before anything can touch llama.cpp, so that its log never reaches standard output.
        NativeLogging.Route(logger);
    }

    public BackendMetadata Metadata { get; } = new("llama.cpp")
    {
        Formats = ["gguf"],
        Capabilities = ModelCapabilities.Chat | ModelCapabilities.Embeddings | ModelCapabilities.SeedDeterminism,
        Devices = ["cpu"],
    };

    public bool CanLoad(string modelPath)
    {
        if (string.IsNullOrEmpty(modelPath) || !File.Exists(modelPath))
        {
            return false;
        }

        try
        {
            using var stream = new FileStream(modelPath, FileMode.Open, FileAccess.Read, FileShare.Read);
            Span<byte> magic = stackalloc byte[4];
            return stream.Read(magic) == 4 && BitConverter.ToUInt32(magic) == GgufFile.Magic;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public async Task<ILoadedModel> LoadModelAsync(ModelLoadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.ModelPath);
        var path = Path.GetFullPath(request.ModelPath);
        var modelId = request.ModelName ?? Path.GetFileNameWithoutExtension(path);

        // The header check runs first so that a file llama.cpp could crash on never reaches it.
        GgufFile header;
        try
        {
            header = await Task.Run(() => GgufFile.Read(path), cancellationToken).ConfigureAwait(false);
        }
        catch (GgufFormatException ex)
        {
            // Callers (and the conformance suite) catch PluginException itself; the code and file carry the detail.
            throw new PluginException(ex.Message, ex) { FilePath = ex.FilePath, ErrorCode = ex.ErrorCode };
        }

        if (header.Architecture is null || header.EmbeddingLength is not > 0 || header.BlockCount is not > 0)
        {
            throw new PluginException($"'{path}' is a GGUF file but not a model llama.cpp can run: it has no general.architecture or no {header.Architecture ?? "<arch>"}.embedding_length and block_count")
            {
                FilePath = path,
                ErrorCode = GgufErrorCodes.UnsupportedArchitecture,
            };
        }

        var plan = request.Plan ?? DefaultPlan(header);
        ValidatePlan(plan, path);
        if (plan.GpuLayers > 0)
        {
            LogGpuLayersIgnored(_logger, plan.GpuLayers, modelId);
        }

        var modelParams = new ModelParams(path)
        {
            ContextSize = (uint)plan.ContextSize,
            BatchSize = (uint)plan.BatchSize,
            UBatchSize = (uint)Math.Min(plan.BatchSize, 512),
            Threads = plan.Threads,
            BatchThreads = plan.Threads,
            GpuLayerCount = plan.GpuLayers,
            MainGpu = plan.MainGpu,
            LoadMode = (plan.UseMemoryMap ? LLamaLoadMode.MemoryMap : LLamaLoadMode.None) | (plan.LockMemory ? LLamaLoadMode.MemoryLock : LLamaLoadMode.None),
            // One cache shared by all sequences (unified): any of them may use the whole context while the others leave room.
            SeqMax = (uint)plan.ParallelSequences,
            KVUnified = true,
        };

        LLamaWeights weights;
        using (var capture = NativeLogging.CaptureErrors())
        {
            try
            {
                weights = await LLamaWeights.LoadFromFileAsync(modelParams, cancellationToken).ConfigureAwait(false);
            }
            catch (LoadWeightsFailedException ex)
            {
                throw LoadFailed(path, header, capture.Messages, ex);
            }
        }

        try
        {
            var model = new LlamaModel(modelId, path, header, plan, modelParams, weights, request.Capabilities, _logger);
            LogLoaded(_logger, modelId, header.ToString(), plan.UseMemoryMap, plan.ContextSize, plan.Threads, plan.ParallelSequences);
            return model;
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    private static DevicePlan DefaultPlan(GgufFile header) => new()
    {
        Threads = Math.Max(1, Environment.ProcessorCount),
        ParallelSequences = DefaultParallelSequences,
        ContextSize = Math.Min(header.ContextLength ?? DefaultContextSize, DefaultContextSize),
    };

    private static void ValidatePlan(DevicePlan plan, string path)
    {
        string? problem = plan switch
        {
            { Threads: < 1 } => $"Threads is {plan.Threads}",
            { ContextSize: < 8 } => $"ContextSize is {plan.ContextSize}",
            { BatchSize: < 1 } => $"BatchSize is {plan.BatchSize}",
            { GpuLayers: < 0 } => $"GpuLayers is {plan.GpuLayers}",
            { ParallelSequences: < 1 or > MaxParallelSequences } => $"ParallelSequences is {plan.ParallelSequences}",
            { QueueLimit: < 0 } => $"QueueLimit is {plan.QueueLimit}",
            _ when plan.ParallelSequences > plan.BatchSize => $"ParallelSequences ({plan.ParallelSequences}) is more than BatchSize ({plan.BatchSize}), so one step could not hold a token of each",
            _ => null,
        };
        if (problem is not null)
        {
            throw new PluginException($"The device plan for '{path}' cannot be used: {problem}; expected Threads >= 1, ContextSize >= 8, BatchSize >= 1, GpuLayers >= 0, ParallelSequences 1 to {MaxParallelSequences} and at most BatchSize, QueueLimit >= 0")
            {
                FilePath = path,
                ErrorCode = "model.invalid-plan",
            };
        }
    }

    private static PluginException LoadFailed(string path, GgufFile header, IReadOnlyList<string> nativeErrors, Exception inner)
    {
        var detail = nativeErrors.Count > 0 ? string.Join("; ", nativeErrors) : "llama.cpp gave no reason";
        var unknownArchitecture = nativeErrors.Any(m => m.Contains("unknown model architecture", StringComparison.OrdinalIgnoreCase));
        var message = unknownArchitecture
            ? $"'{path}' is a GGUF model of architecture '{header.Architecture}', which this build of llama.cpp does not support ({detail})"
            : $"llama.cpp could not load '{path}' ({header}): {detail}";
        return new PluginException(message, inner)
        {
            FilePath = path,
            ErrorCode = unknownArchitecture ? GgufErrorCodes.UnsupportedArchitecture : "model.load-failed",
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {ModelId}: {Header}; memory-mapped {MemoryMapped}, context {ContextSize}, {Threads} threads, {ParallelSequences} parallel sequences")]
    private static partial void LogLoaded(ILogger logger, string modelId, string header, bool memoryMapped, int contextSize, int threads, int parallelSequences);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The plan offloads {GpuLayers} layers of {ModelId} to a GPU, but this is the CPU build of the backend; all layers run on the CPU")]
    private static partial void LogGpuLayersIgnored(ILogger logger, int gpuLayers, string modelId);
}
