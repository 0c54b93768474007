using PluginAI.Hardware;
using PluginAI.Manifest;
using PluginAI.Trust;
using PluginAI.Trust.Certification;

namespace PluginAI.Certification;

/// <summary>
/// The certify workflow behind <c>pluginai certify</c>: run the backend conformance suite, write the report, and sign a
/// certification record for the devices it ran on.
/// </summary>
/// <remarks>
/// Staging the plugin from its package (<c>PluginPackageStager</c> in <c>PluginAI.Registry</c>) and loading it (a host)
/// are the caller's part, so that this library needs neither the host nor NuGet. Files are
/// written atomically; the report is named <c>&lt;id&gt;.&lt;version&gt;.conformance.json</c> and the record
/// <c>&lt;id&gt;.&lt;version&gt;.&lt;certifier&gt;.certification.json</c>.
/// </remarks>
public static class CertificationWorkflow
{
    /// <summary>Runs the backend suite, writes the report and, when every test passed and a key is given, signs the record.</summary>
    /// <param name="request">The backend, the model, the plugin, the machine and what the record claims.</param>
    /// <param name="progress">Receives each result as its test finishes.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The report and the paths written.</returns>
    public static async Task<CertificationResult> CertifyAsync(CertificationRequest request, IProgress<ConformanceTestResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var manifest = request.Plugin;
        var runOptions = new ConformanceRunOptions { PluginId = manifest.Id, PluginVersion = manifest.Version.ToString(), Hardware = request.Hardware };
        var report = await ConformanceRunner.RunBackendAsync(request.Backend, request.Model, runOptions, progress, cancellationToken).ConfigureAwait(false);
        var reportJson = report.ToJson();
        Directory.CreateDirectory(request.OutputDirectory);
        var reportPath = Path.Combine(request.OutputDirectory, $"{manifest.Id}.{manifest.Version}.conformance.json");
        AtomicFile.WriteAllBytes(reportPath, reportJson);
        if (!report.AllPassed || request.CertifierKey is not { } key)
        {
            return new CertificationResult(report, reportPath, null);
        }

        var claims = new CertificationClaims
        {
            Certifier = request.Certifier ?? key.Name,
            PluginId = manifest.Id,
            Versions = request.Versions ?? VersionRange.Parse($"[{manifest.Version}]"),
            Devices = request.Devices ?? DefaultDevices(request.Hardware, request.Drivers),
            SuiteVersion = report.SuiteVersion,
            Expires = request.Expires ?? DateTimeOffset.UtcNow.AddYears(1),
        };
        var envelope = CertificationIssuer.Issue(key, claims, reportJson);
        var recordPath = Path.Combine(request.OutputDirectory, $"{manifest.Id}.{manifest.Version}.{claims.Certifier}.certification.json");
        AtomicFile.WriteAllBytes(recordPath, envelope.ToJson());
        return new CertificationResult(report, reportPath, recordPath);
    }

    /// <summary>The devices a record covers when none are named: this machine's accelerators, or its CPU when it has none.</summary>
    /// <param name="hardware">This machine.</param>
    /// <param name="drivers">The driver versions covered; <see langword="null"/> for any.</param>
    /// <returns>The devices.</returns>
    public static IReadOnlyList<CertificationDevice> DefaultDevices(HardwareProfile hardware, VersionRange? drivers)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        var accelerators = hardware.Accelerators
            .Select(a => new CertificationDevice { Vendor = a.Vendor, PciIds = a.PciId is { } id ? [id] : [], Drivers = drivers, Name = a.Name })
            .ToList();
        return accelerators.Count > 0 ? accelerators : [new CertificationDevice { Vendor = CertificationDevice.CpuVendor, Drivers = drivers, Name = hardware.Cpu.ModelName }];
    }
}
