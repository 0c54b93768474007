using Microsoft.ML.OnnxRuntime;

namespace PluginAI.Backends.Onnx.Internal;

/// <summary>Maps PluginAI device names to ONNX Runtime execution providers and registers them.</summary>
internal static class ExecutionProviders
{
    /// <summary>The device name of ONNX Runtime's own CPU provider.</summary>
    public const string Cpu = "cpu";

    private static readonly (string Device, string ProviderName)[] s_known =
    [
        (Cpu, "CPUExecutionProvider"),
        ("cuda", "CUDAExecutionProvider"),
        ("openvino", "OpenVINOExecutionProvider"),
        ("qnn", "QNNExecutionProvider"),
        ("directml", "DmlExecutionProvider"),
    ];

    private static readonly Lazy<string[]> s_available = new(() => OrtEnv.Instance().GetAvailableProviders());

    /// <summary>Gets the version of the loaded onnxruntime library.</summary>
    public static string RuntimeVersion { get; } = OrtEnv.Instance().GetVersionString();

    /// <summary>Gets the devices whose providers the loaded onnxruntime library contains.</summary>
    public static IReadOnlyList<string> AvailableDevices =>
        [.. s_known.Where(known => known.Device == Cpu || s_available.Value.Contains(known.ProviderName, StringComparer.Ordinal)).Select(known => known.Device)];

    /// <summary>Picks the device to try for a requested one.</summary>
    /// <param name="requested">The plan's device, such as <c>cuda</c>; <see langword="null"/> means the CPU.</param>
    /// <returns>The device to use, and why.</returns>
    public static (string Device, string Reason) Choose(string? requested)
    {
        var device = string.IsNullOrWhiteSpace(requested) ? Cpu : requested.Trim().ToLowerInvariant();
        if (device == Cpu)
        {
            return (Cpu, "the plan asked for the CPU");
        }

        var known = s_known.FirstOrDefault(entry => entry.Device == device);
        if (known.ProviderName is null)
        {
            return (Cpu, $"the plan asked for '{device}', which this backend does not support (it knows {string.Join(", ", s_known.Select(entry => entry.Device))}); running on the CPU");
        }

        if (!s_available.Value.Contains(known.ProviderName, StringComparer.Ordinal))
        {
            return (Cpu, $"the plan asked for '{device}', but the loaded onnxruntime {RuntimeVersion} has no {known.ProviderName} (it has {string.Join(", ", s_available.Value)}); install the plugin variant for that device; running on the CPU");
        }

        return (device, $"the plan asked for '{device}' and the loaded onnxruntime {RuntimeVersion} has {known.ProviderName}");
    }

    /// <summary>Registers the provider of a device with session options; the CPU needs nothing.</summary>
    /// <param name="options">The session options.</param>
    /// <param name="device">A device that <see cref="Choose"/> returned.</param>
    /// <param name="gpu">The index of the GPU, for providers that take one.</param>
    /// <exception cref="OnnxRuntimeException">The provider could not be set up, such as CUDA without its libraries.</exception>
    public static void Register(SessionOptions options, string device, int gpu)
    {
        switch (device)
        {
            case "cuda":
                options.AppendExecutionProvider_CUDA(gpu);
                break;
            case "directml":
                options.AppendExecutionProvider_DML(gpu);
                break;
            case "openvino":
                options.AppendExecutionProvider_OpenVINO(string.Empty);
                break;
            case "qnn":
                options.AppendExecutionProvider("QNN", new Dictionary<string, string>
                {
                    ["backend_path"] = OperatingSystem.IsWindows() ? "QnnHtp.dll" : "libQnnHtp.so",
                });
                break;
            default:
                break;
        }
    }
}
