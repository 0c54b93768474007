namespace PluginAI.Host.Hardware;

/// <summary>Where <see cref="HardwareProbe"/> looks.</summary>
public sealed class HardwareProbeOptions
{
    /// <summary>Gets or sets the root of the file system tree holding <c>proc</c>, <c>sys</c> and <c>dev</c>; a fake tree in tests.</summary>
    public string RootPath { get; set; } = "/";

    /// <summary>Gets or sets a replacement for running <c>nvidia-smi</c>, returning its CSV output; for tests.</summary>
    public Func<string?>? NvidiaSmi { get; set; }

    /// <summary>Gets or sets a replacement for asking the CUDA driver its version; for tests.</summary>
    public Func<string?>? CudaDriverVersion { get; set; }
}
