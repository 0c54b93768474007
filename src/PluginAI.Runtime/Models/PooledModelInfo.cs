using PluginAI.Backends;

namespace PluginAI.Runtime.Models;

/// <summary>A model in the <see cref="ModelPool"/>, as data.</summary>
/// <param name="Name">The name or path it was asked for by first.</param>
/// <param name="Path">The resolved file or built-in name.</param>
/// <param name="Capabilities">What it was loaded for.</param>
/// <param name="Backend">The backend that loaded it.</param>
/// <param name="Status">Loading, in use or idle.</param>
/// <param name="Users">How many callers hold it now.</param>
/// <param name="LoadedAt">When the load finished; <see langword="null"/> while loading.</param>
/// <param name="IdleSince">When the last caller let go; <see langword="null"/> while in use or loading.</param>
/// <param name="MemoryBytes">The memory the plan estimates for it.</param>
/// <param name="Plan">The plan it was loaded with.</param>
public sealed record PooledModelInfo(
    string Name,
    string Path,
    ModelCapabilities Capabilities,
    string Backend,
    PooledModelStatus Status,
    int Users,
    DateTimeOffset? LoadedAt,
    DateTimeOffset? IdleSince,
    long MemoryBytes,
    DevicePlan Plan);
