using System.Globalization;
using PluginAI.Hardware;

namespace PluginAI.Host.Hardware.Internal;

/// <summary>Probes the memory this process can use: the machine's, or the container's limit when that is lower.</summary>
internal sealed class MemoryProbe
{
    private readonly ProbeFileSystem _files;

    /// <summary>Initializes a new instance of the <see cref="MemoryProbe"/> class.</summary>
    /// <param name="files">The tree to read on Linux.</param>
    public MemoryProbe(ProbeFileSystem files) => _files = files;

    /// <summary>Describes memory from the runtime's view, where there is no <c>/proc</c> to read.</summary>
    public static MemoryInfo ProbeGeneric()
    {
        var info = GC.GetGCMemoryInfo();
        return new MemoryInfo { TotalBytes = info.TotalAvailableMemoryBytes, AvailableBytes = Math.Max(0, info.TotalAvailableMemoryBytes - info.MemoryLoadBytes) };
    }

    /// <summary>Describes memory from <c>/proc/meminfo</c> and the cgroup v2 limit.</summary>
    /// <param name="notes">Receives what could not be read and whether a container limits memory.</param>
    public MemoryInfo ProbeLinux(List<string> notes)
    {
        var (total, available) = ParseMeminfo(_files.ReadText("proc/meminfo"));
        if (total is null)
        {
            notes.Add("/proc/meminfo is not readable; memory taken from the runtime's view.");
            return ProbeGeneric();
        }

        // A container's memory limit is the real ceiling for this process.
        var limitText = _files.ReadText("sys/fs/cgroup/memory.max")?.Trim();
        if (long.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit < total)
        {
            notes.Add($"memory is limited by the container to {limit / (1024 * 1024)} MiB.");
            var used = long.TryParse(_files.ReadText("sys/fs/cgroup/memory.current")?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var current) ? current : 0;
            total = limit;
            available = Math.Min(available ?? limit, Math.Max(0, limit - used));
        }

        return new MemoryInfo { TotalBytes = total.Value, AvailableBytes = available ?? total.Value };
    }

    /// <summary>Reads <c>MemTotal</c> and <c>MemAvailable</c>, in bytes, from the text of <c>/proc/meminfo</c>.</summary>
    /// <param name="text">The text, or <see langword="null"/> when the file could not be read.</param>
    public static (long? Total, long? Available) ParseMeminfo(string? text)
    {
        long? total = null, available = null;
        foreach (var line in text?.Split('\n') ?? [])
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                total = ParseKib(line);
            }
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                available = ParseKib(line);
            }
        }

        return (total, available);
    }

    private static long? ParseKib(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib * 1024 : null;
    }
}
