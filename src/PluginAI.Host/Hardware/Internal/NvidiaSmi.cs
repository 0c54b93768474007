using System.Diagnostics;
using System.Globalization;

namespace PluginAI.Host.Hardware.Internal;

/// <summary>Asks <c>nvidia-smi</c> for each NVIDIA GPU's name, memory, driver and PCI address.</summary>
internal static class NvidiaSmi
{
    /// <summary>Runs <c>nvidia-smi</c> (or its replacement) and parses its answer.</summary>
    /// <param name="replacement">A replacement returning the CSV output, for tests; <see langword="null"/> runs the tool.</param>
    /// <param name="notes">Receives why there is no answer.</param>
    /// <param name="cancellationToken">Cancels reading the output.</param>
    /// <returns>The GPUs; empty when there is no answer.</returns>
    public static List<NvidiaSmiGpu> Query(Func<string?>? replacement, List<string> notes, CancellationToken cancellationToken)
    {
        var output = replacement is not null ? replacement() : Run(notes, cancellationToken);
        return output is null ? [] : Parse(output);
    }

    /// <summary>Parses the CSV lines of <c>--query-gpu=name,memory.total,driver_version,pci.bus_id,pci.device_id --format=csv,noheader,nounits</c>.</summary>
    public static List<NvidiaSmiGpu> Parse(string output)
    {
        var gpus = new List<NvidiaSmiGpu>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length < 5)
            {
                continue;
            }

            long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var mib);
            string? pciId = null;
            if (parts[4].StartsWith("0x", StringComparison.OrdinalIgnoreCase) && parts[4].Length == 10)
            {
                // nvidia-smi packs the PCI id as 0xDDDDVVVV.
                pciId = $"{parts[4][6..].ToLowerInvariant()}:{parts[4][2..6].ToLowerInvariant()}";
            }

            gpus.Add(new NvidiaSmiGpu(parts[0], mib, parts[2], parts[3], pciId));
        }

        return gpus;
    }

    private static string? Run(List<string> notes, CancellationToken cancellationToken)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", "--query-gpu=name,memory.total,driver_version,pci.bus_id,pci.device_id --format=csv,noheader,nounits")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                process.Kill(entireProcessTree: true);
                notes.Add("nvidia-smi did not answer within 5 s.");
                return null;
            }

            return process.ExitCode == 0 ? output.GetAwaiter().GetResult() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            notes.Add("the NVIDIA driver is loaded but nvidia-smi is not on the PATH; GPU memory is unknown.");
            return null;
        }
    }
}
