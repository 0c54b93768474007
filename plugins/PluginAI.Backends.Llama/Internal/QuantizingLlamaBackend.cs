using LLama;
using LLama.Native;

namespace PluginAI.Backends.Llama.Internal;

/// <summary>The GGUF backend with llama.cpp's quantiser offered as <see cref="IModelQuantizer"/>.</summary>
internal sealed class QuantizingLlamaBackend(IInferenceBackend inner) : IInferenceBackend, IModelQuantizer
{
    private static readonly Dictionary<string, LLamaFtype> s_types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Q4_0"] = LLamaFtype.MOSTLY_Q4_0,
        ["Q4_1"] = LLamaFtype.MOSTLY_Q4_1,
        ["Q5_0"] = LLamaFtype.MOSTLY_Q5_0,
        ["Q5_1"] = LLamaFtype.MOSTLY_Q5_1,
        ["Q8_0"] = LLamaFtype.MOSTLY_Q8_0,
        ["Q2_K"] = LLamaFtype.MOSTLY_Q2_K,
        ["Q3_K_S"] = LLamaFtype.MOSTLY_Q3_K_S,
        ["Q3_K_M"] = LLamaFtype.MOSTLY_Q3_K_M,
        ["Q3_K_L"] = LLamaFtype.MOSTLY_Q3_K_L,
        ["Q4_K_S"] = LLamaFtype.MOSTLY_Q4_K_S,
        ["Q4_K_M"] = LLamaFtype.MOSTLY_Q4_K_M,
        ["Q5_K_S"] = LLamaFtype.MOSTLY_Q5_K_S,
        ["Q5_K_M"] = LLamaFtype.MOSTLY_Q5_K_M,
        ["Q6_K"] = LLamaFtype.MOSTLY_Q6_K,
        ["F16"] = LLamaFtype.MOSTLY_F16,
        ["BF16"] = LLamaFtype.MOSTLY_BF16,
    };

    public BackendMetadata Metadata => inner.Metadata;

    public IReadOnlyList<string> QuantizationTypes { get; } = [.. s_types.Keys];

    public bool CanLoad(string modelPath) => inner.CanLoad(modelPath);

    public Task<ILoadedModel> LoadModelAsync(ModelLoadRequest request, CancellationToken cancellationToken = default) =>
        inner.LoadModelAsync(request, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : inner.GetService(serviceType!, serviceKey);

    public Task QuantizeAsync(string sourcePath, string destinationPath, string quantizationType, int threads, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(destinationPath);
        if (!s_types.TryGetValue(quantizationType, out var type))
        {
            throw new PluginException($"'{quantizationType}' is not a quantisation type llama.cpp writes; expected one of {string.Join(", ", s_types.Keys)}.") { ErrorCode = "quantize.type" };
        }

        if (string.Equals(Path.GetFullPath(sourcePath), Path.GetFullPath(destinationPath), StringComparison.Ordinal))
        {
            throw new PluginException($"{sourcePath}: the quantised copy must be a different file.") { FilePath = sourcePath, ErrorCode = "quantize.same-file" };
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(
            () =>
            {
                using var capture = NativeLogging.CaptureErrors();

                // The quantiser's own entry point does not load llama.cpp; this call runs the loader that picks the
                // build for this CPU, as loading a model does.
                NativeApi.llama_empty_call();
                if (!LLamaQuantizer.Quantize(sourcePath, destinationPath, type, threads <= 0 ? Environment.ProcessorCount : threads))
                {
                    throw new PluginException($"{sourcePath}: llama.cpp could not quantise the model to {quantizationType}{(capture.Messages.Count > 0 ? ": " + string.Join("; ", capture.Messages) : string.Empty)}.") { FilePath = sourcePath, ErrorCode = "quantize.failed" };
                }
            },
            cancellationToken);
    }
}
