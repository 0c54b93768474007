using PluginAI.Host;

namespace PluginAI.Cli.Commands;

/// <summary>The JSON shape of one discovered plugin.</summary>
internal sealed record PluginView(
    string Id,
    string? Version,
    IReadOnlyList<string> Kinds,
    string Status,
    bool Compatible,
    string? Reason,
    string? Variant,
    string? Trust,
    string? Publisher,
    IReadOnlyList<PluginCertificationView> Certifications,
    PluginLicenseView? License,
    string Source,
    string Directory,
    string? Overrides,
    int FaultCount,
    string? LastFault,
    IReadOnlyList<string> Details,
    string? Isolation,
    string? IsolationReason,
    PluginWorkerView? Worker)
{
    public static PluginView From(PluginRecord record) => new(
        record.Id,
        record.Manifest?.Version.ToString(),
        record.Manifest?.Kinds.Select(k => k.ToString().ToLowerInvariant()).ToList() ?? [],
        record.Status.ToString().ToLowerInvariant(),
        record.Compatibility?.IsCompatible ?? false,
        record.Reason,
        record.Variant,
        record.Trust,
        record.Publisher,
        [.. record.Certifications.Select(c => new PluginCertificationView(c.Device, c.Certified, c.Certifier, c.Expires, c.SuiteVersion, c.Reason))],
        record.License.Model == PluginAI.Manifest.LicensingModel.Free ? null : new PluginLicenseView(record.License.Status, record.License.Licensee, record.License.Product, record.License.Expires, record.License.TrialEndsAt, record.License.Reason),
        record.Source,
        record.Directory,
        record.Overrides,
        record.FaultCount,
        record.LastFault,
        record.Details,
        record.Isolation switch
        {
            PluginAI.Manifest.PluginIsolation.OutOfProcess => "out-of-process",
            PluginAI.Manifest.PluginIsolation.InProcess => "in-process",
            _ => null,
        },
        record.IsolationReason,
        record.Worker is { } worker ? PluginWorkerView.From(worker) : null);
}

/// <summary>The JSON shape of a plugin's worker process.</summary>
internal sealed record PluginWorkerView(string State, int? Pid, double? UptimeSeconds, long? MemoryBytes, int Restarts, IReadOnlyList<PluginAI.Host.Workers.WorkerRestart> Causes, string? Fault)
{
    public static PluginWorkerView From(PluginAI.Host.Workers.WorkerSnapshot worker) =>
        new(worker.State, worker.ProcessId, worker.Uptime is { } up ? Math.Round(up.TotalSeconds, 1) : null, worker.MemoryBytes, worker.Restarts, worker.RecentCauses, worker.Fault);

    /// <summary>One line for a table: pid, uptime, memory, restarts and the last cause.</summary>
    public static string Describe(PluginAI.Host.Workers.WorkerSnapshot worker)
    {
        var line = worker.ProcessId is { } pid
            ? $"worker pid {pid}, up {Up(worker.Uptime!.Value)}, {(worker.MemoryBytes ?? 0) / (1024.0 * 1024):0} MiB"
            : $"worker {worker.State}";
        if (worker.Restarts > 0)
        {
            line += $", {worker.Restarts} restart(s), last: {worker.RecentCauses[^1].Cause}";
        }

        return line;
    }

    private static string Up(TimeSpan uptime) =>
        uptime.TotalHours >= 1 ? $"{(int)uptime.TotalHours} h {uptime.Minutes} min" : uptime.TotalMinutes >= 1 ? $"{(int)uptime.TotalMinutes} min" : $"{(int)uptime.TotalSeconds} s";
}

/// <summary>The JSON shape of a backend's certification on one device.</summary>
internal sealed record PluginCertificationView(string Device, bool Certified, string? Certifier, DateTimeOffset? Expires, string? SuiteVersion, string Reason);

/// <summary>The JSON shape of a paid or trial plugin's license state.</summary>
internal sealed record PluginLicenseView(PluginAI.Licensing.PluginLicenseStatus Status, string? Licensee, string? Product, DateTimeOffset? Expires, DateTimeOffset? TrialEndsAt, string Reason);
