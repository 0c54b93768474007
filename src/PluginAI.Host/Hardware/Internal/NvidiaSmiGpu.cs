namespace PluginAI.Host.Hardware.Internal;

/// <summary>One GPU as <c>nvidia-smi</c> reports it.</summary>
/// <param name="Name">The product name.</param>
/// <param name="MemoryMib">The total memory in MiB.</param>
/// <param name="Driver">The driver version.</param>
/// <param name="Bus">The PCI bus address, such as <c>00000000:01:00.0</c>.</param>
/// <param name="PciId">The PCI id as <c>vendor:device</c>, or <see langword="null"/>.</param>
internal sealed record NvidiaSmiGpu(string Name, long MemoryMib, string? Driver, string Bus, string? PciId);
