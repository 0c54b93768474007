using System.Diagnostics;
using System.Globalization;

namespace PluginAI.Cli.Bench;

/// <summary>
/// Energy used during a run, where the machine exposes it: Linux RAPL counters (<c>/sys/class/powercap/intel-rapl:*</c>,
/// the CPU packages) and <c>nvidia-smi</c>'s power draw sampled while the run lasts.
/// </summary>
internal sealed class EnergyMeter : IAsyncDisposable
{
    private const string PowercapFolder = "/sys/class/powercap";
    private readonly List<(string Path, long Start, long Max)> _rapl = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<double?> _gpu;
    private readonly long _started = Stopwatch.GetTimestamp();

    private EnergyMeter(List<string> unavailable)
    {
        Unavailable = unavailable;
        _gpu = SampleGpuAsync(_stop.Token);
    }

    /// <summary>Gets why each source could not be read.</summary>
    public List<string> Unavailable { get; }

    public static EnergyMeter Start()
    {
        var unavailable = new List<string>();
        var meter = new EnergyMeter(unavailable);
        try
        {
            foreach (var zone in Directory.Exists(PowercapFolder) ? Directory.GetDirectories(PowercapFolder, "intel-rapl:*") : [])
            {
                // Top-level zones (intel-rapl:0) are CPU packages; sub-zones (intel-rapl:0:0) are parts of them.
                if (Path.GetFileName(zone).Count(c => c == ':') != 1)
                {
                    continue;
                }

                var energy = Path.Combine(zone, "energy_uj");
                var max = Path.Combine(zone, "max_energy_range_uj");
                meter._rapl.Add((energy, ReadLong(energy), File.Exists(max) ? ReadLong(max) : long.MaxValue));
            }

            if (meter._rapl.Count == 0)
            {
                unavailable.Add("no RAPL counters under /sys/class/powercap");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            meter._rapl.Clear();
            unavailable.Add($"RAPL counters cannot be read ({ex.Message.TrimEnd('.')}; reading them usually needs root)");
        }

        return meter;
    }

    /// <summary>Stops measuring and returns the joules used, or <see langword="null"/> when nothing could be measured.</summary>
    public async Task<double?> StopAsync()
    {
        double? joules = null;
        if (_rapl.Count > 0)
        {
            try
            {
                joules = _rapl.Sum(r =>
                {
                    var end = ReadLong(r.Path);
                    var delta = end >= r.Start ? end - r.Start : end + (r.Max - r.Start);
                    return delta / 1e6;
                });
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                Unavailable.Add($"RAPL counters stopped being readable ({ex.Message})");
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        var gpu = await _gpu.ConfigureAwait(false);
        return gpu is null ? joules : (joules ?? 0) + gpu;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _gpu.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static long ReadLong(string path) => long.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);

    private async Task<double?> SampleGpuAsync(CancellationToken cancellationToken)
    {
        var samples = new List<double>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var watts = await ReadGpuWattsAsync().ConfigureAwait(false);
                if (watts is null)
                {
                    if (samples.Count == 0)
                    {
                        lock (Unavailable)
                        {
                            Unavailable.Add("no nvidia-smi");
                        }
                    }

                    break;
                }

                samples.Add(watts.Value);
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }

        return samples.Count == 0 ? null : samples.Average() * Stopwatch.GetElapsedTime(_started).TotalSeconds;
    }

    private static async Task<double?> ReadGpuWattsAsync()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", "--query-gpu=power.draw --format=csv,noheader,nounits") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (process is null)
            {
                return null;
            }

            var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
            await process.WaitForExitAsync().ConfigureAwait(false);
            var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) ? w : (double?)null).ToList();
            return process.ExitCode == 0 && values.Count > 0 && values.All(v => v is not null) ? values.Sum(v => v!.Value) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
