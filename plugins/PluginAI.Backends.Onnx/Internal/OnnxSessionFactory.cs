using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace PluginAI.Backends.Onnx.Internal;

/// <summary>Creates ONNX Runtime sessions on the planned device, through the optimised-model cache.</summary>
internal static class OnnxSessionFactory
{
    /// <summary>Creates a session for a model.</summary>
    /// <param name="files">The model.</param>
    /// <param name="device">The device from <see cref="ExecutionProviders.Choose"/>.</param>
    /// <param name="deviceReason">Why that device.</param>
    /// <param name="gpu">The GPU index for providers that take one.</param>
    /// <param name="threads">The intra-op threads.</param>
    /// <param name="options">The backend's settings.</param>
    /// <param name="cacheRoot">The cache root for optimised graphs.</param>
    /// <param name="logger">Where to report fallbacks and cache problems.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The session, the device it runs on, why, and what happened with the optimised graph.</returns>
    /// <exception cref="PluginException">ONNX Runtime cannot load the file even on the CPU.</exception>
    public static async Task<SessionResult> CreateAsync(
        BertModelFiles files, string device, string deviceReason, int gpu, int threads, OnnxBackendOptions options, string cacheRoot, ILogger logger, CancellationToken cancellationToken)
    {
        if (device != ExecutionProviders.Cpu)
        {
            try
            {
                return await CreateOnDeviceAsync(files, device, deviceReason, gpu, threads, options, cacheRoot, logger, cancellationToken).ConfigureAwait(false);
            }
            catch (OnnxRuntimeException ex)
            {
                // A provider that is compiled in can still fail to start (no driver, missing CUDA or cuDNN libraries);
                // the model stays usable on the CPU, and the reason is reported with the plan.
                logger.LogWarning(ex, "The {Device} execution provider failed to start for {Model}; falling back to the CPU", device, files.ModelId);
                deviceReason = $"{deviceReason}, but it failed to start ({FirstLine(ex.Message)}); running on the CPU";
            }
        }

        try
        {
            return await CreateOnDeviceAsync(files, ExecutionProviders.Cpu, deviceReason, gpu, threads, options, cacheRoot, logger, cancellationToken).ConfigureAwait(false);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new PluginException($"The file '{files.ModelPath}' is not an ONNX model that ONNX Runtime {ExecutionProviders.RuntimeVersion} can load: {FirstLine(ex.Message)}", ex)
            {
                FilePath = files.ModelPath,
                ErrorCode = "model.not-onnx",
            };
        }
    }

    private static async Task<SessionResult> CreateOnDeviceAsync(
        BertModelFiles files, string device, string deviceReason, int gpu, int threads, OnnxBackendOptions options, string cacheRoot, ILogger logger, CancellationToken cancellationToken)
    {
        // Providers that compile the graph themselves (OpenVINO, QNN, DirectML) cannot save it as ONNX.
        var cacheable = options.OptimizationLevel == GraphOptimizationLevel.ORT_ENABLE_ALL && device is ExecutionProviders.Cpu or "cuda";
        if (!cacheable)
        {
            using var plain = CreateOptions(files, device, gpu, threads, options, options.OptimizationLevel);
            return new SessionResult(new InferenceSession(files.ModelPath, plain), device, deviceReason, OptimizedGraph: "not cached");
        }

        var cache = new OptimizedModelCache(cacheRoot, files, device);
        if (await cache.IsValidAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                // The graph is already optimised; optimising it again would only cost start-up time.
                using var cached = CreateOptions(files, device, gpu, threads, options, GraphOptimizationLevel.ORT_DISABLE_ALL);
                return new SessionResult(new InferenceSession(cache.ModelPath, cached), device, deviceReason, OptimizedGraph: $"reused {cache.ModelPath}");
            }
            catch (OnnxRuntimeException ex)
            {
                logger.LogWarning(ex, "The optimised graph {File} does not load; rebuilding it", cache.ModelPath);
                cache.Delete();
            }
        }
        else if (File.Exists(cache.ModelPath))
        {
            logger.LogWarning("The optimised graph {File} does not match its recorded hash; rebuilding it", cache.ModelPath);
            cache.Delete();
        }

        string? temporary = null;
        try
        {
            temporary = cache.CreateTemporaryPath();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "The optimised-graph cache {Folder} is not writable; the graph will be optimised on every load", cache.Folder);
        }

        InferenceSession session;
        using (var optimising = CreateOptions(files, device, gpu, threads, options, GraphOptimizationLevel.ORT_ENABLE_ALL))
        {
            if (temporary is not null)
            {
                optimising.OptimizedModelFilePath = temporary;
            }

            try
            {
                session = new InferenceSession(files.ModelPath, optimising);
            }
            catch
            {
                DeleteTemporary(temporary);
                throw;
            }
        }

        if (temporary is null)
        {
            return new SessionResult(session, device, deviceReason, OptimizedGraph: "not cached (cache folder not writable)");
        }

        try
        {
            await cache.CommitAsync(temporary, cancellationToken).ConfigureAwait(false);
            return new SessionResult(session, device, deviceReason, OptimizedGraph: $"built {cache.ModelPath}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "The optimised graph of {Model} could not be saved to {File}", files.ModelId, cache.ModelPath);
            DeleteTemporary(temporary);
            return new SessionResult(session, device, deviceReason, OptimizedGraph: "not cached (save failed)");
        }
        catch
        {
            session.Dispose();
            DeleteTemporary(temporary);
            throw;
        }
    }

    private static SessionOptions CreateOptions(BertModelFiles files, string device, int gpu, int threads, OnnxBackendOptions options, GraphOptimizationLevel level)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = level,
            IntraOpNumThreads = threads,

            // One request runs one graph at a time; parallelism is inside the operators.
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,

            // ONNX Runtime writes warnings to stderr, such as the notice that an ORT_ENABLE_ALL graph is hardware-specific,
            // which is why the cache key names the provider; real failures arrive as exceptions.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            LogId = files.ModelId,
        };
        if (options.ProfilePathPrefix is { } prefix)
        {
            // The prefix is read when profiling is switched on, so it has to be set first.
            sessionOptions.ProfileOutputPathPrefix = prefix;
            sessionOptions.EnableProfiling = true;
        }

        try
        {
            ExecutionProviders.Register(sessionOptions, device, gpu);
            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    private static void DeleteTemporary(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is harmless: its name is unique and nothing reads it.
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
