using System.Globalization;
using PluginAI.Hardware;
using PluginAI.Manifest;

namespace PluginAI.Manifest.Compatibility;

/// <summary>Decides whether a plugin fits this host and machine, picks the best build, and explains every decision.</summary>
/// <remarks>
/// A pure function of the manifest, the hardware profile and the host API version. Variants are tried in manifest
/// order; every variant also needs what the base build needs. The base build is the fallback.
/// </remarks>
public static class CompatibilityChecker
{
    /// <summary>Checks a plugin.</summary>
    /// <param name="manifest">The plugin's manifest.</param>
    /// <param name="hardware">This machine.</param>
    /// <param name="hostApiVersion">The host's plugin API version; defaults to <see cref="PluginApi.Version"/>.</param>
    /// <returns>The report.</returns>
    public static CompatibilityReport Check(PluginManifest manifest, HardwareProfile hardware, SemanticVersion? hostApiVersion = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(hardware);
        var api = hostApiVersion ?? PluginApi.Version;
        if (!manifest.HostApi.Contains(api))
        {
            var problem = manifest.HostApi.Minimum is { } min && api < min
                ? $"it is built for plugin API {manifest.HostApi}, newer than this host's {api}: update PluginAI to use it"
                : $"it is built for plugin API {manifest.HostApi}, older than this host's {api}: install a newer version of the plugin";
            return new CompatibilityReport { IsCompatible = false, Problems = [problem] };
        }

        var notes = new List<string>();
        var baseProblems = Explain(manifest.Requirements, hardware, notes);
        var decisions = new List<BuildDecision>();
        string? chosen = null;
        foreach (var variant in manifest.Variants)
        {
            var problems = baseProblems.Concat(Explain(variant.Requirements, hardware, notes)).ToList();
            var fits = problems.Count == 0;
            var choose = fits && chosen is null;
            if (choose)
            {
                chosen = variant.Name;
            }

            decisions.Add(new BuildDecision(variant.Name, fits, problems, choose));
        }

        var baseFits = baseProblems.Count == 0;
        decisions.Add(new BuildDecision("base", baseFits, baseProblems, baseFits && chosen is null));
        var compatible = chosen is not null || baseFits;
        return new CompatibilityReport
        {
            IsCompatible = compatible,
            SelectedVariant = chosen,
            Problems = compatible ? [] : baseProblems,
            Decisions = decisions,
            Notes = notes.Distinct().ToList(),
        };
    }

    /// <summary>Lists, in plain words, which requirements this machine does not meet.</summary>
    /// <param name="requirements">The requirements.</param>
    /// <param name="hardware">This machine.</param>
    /// <param name="notes">Receives remarks that do not count as problems.</param>
    /// <returns>The unmet requirements; empty when all are met.</returns>
    public static IReadOnlyList<string> Explain(HardwareRequirements requirements, HardwareProfile hardware, IList<string>? notes = null)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        ArgumentNullException.ThrowIfNull(hardware);
        var problems = new List<string>();
        if (requirements.RuntimeIdentifiers.Count > 0 && !requirements.RuntimeIdentifiers.Contains(hardware.RuntimeIdentifier, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"it is built for {string.Join(", ", requirements.RuntimeIdentifiers)}; this machine is {hardware.RuntimeIdentifier}");
        }

        var missing = requirements.InstructionSets.Where(isa => !hardware.Cpu.Supports(isa)).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"it needs the CPU instruction set{(missing.Count > 1 ? "s" : string.Empty)} {string.Join(", ", missing)}, which this CPU ({hardware.Cpu.ModelName}) lacks");
        }

        if (requirements.MinRamMb is { } minRam && hardware.Memory.TotalBytes < minRam * 1024 * 1024)
        {
            problems.Add($"it needs {Mib(minRam)} of RAM; this machine has {Mib(hardware.Memory.TotalBytes / (1024 * 1024))}");
        }

        foreach (var accelerator in requirements.Accelerators)
        {
            if (ExplainAccelerator(accelerator, hardware, notes) is { } problem)
            {
                problems.Add(problem);
            }
        }

        return problems;
    }

    private static string? ExplainAccelerator(AcceleratorRequirement need, HardwareProfile hardware, IList<string>? notes)
    {
        var kind = need.Type == AcceleratorType.Gpu ? "GPU" : "NPU";
        var wanted = $"{(need.Vendor is null ? string.Empty : need.Vendor + " ")}{kind} with {ApiName(need.Api)}{(need.MinApiVersion is null ? string.Empty : $" {need.MinApiVersion.Major}.{need.MinApiVersion.Minor} or later")}";
        var devices = hardware.Accelerators.Where(a => a.Type == need.Type && (need.Vendor is null || string.Equals(a.Vendor, need.Vendor, StringComparison.OrdinalIgnoreCase))).ToList();
        if (devices.Count == 0)
        {
            return $"it needs a {wanted}; no {(need.Vendor is null ? string.Empty : need.Vendor + " ")}{kind} was found";
        }

        var withApi = devices.Where(d => d.FindApi(need.Api) is not null).ToList();
        if (withApi.Count == 0)
        {
            return $"it needs a {wanted}; the {kind}s found ({string.Join(", ", devices.Select(d => d.Name))}) do not offer {ApiName(need.Api)}";
        }

        string? last = null;
        foreach (var device in withApi)
        {
            var support = device.FindApi(need.Api)!;
            if (need.MinApiVersion is { } min)
            {
                if (support.Version is null)
                {
                    notes?.Add($"the {ApiName(need.Api)} version of {device.Name} is unknown; assumed to be {min.Major}.{min.Minor} or later");
                }
                else if (!SemanticVersion.TryParse(support.Version, out var have) || have < min)
                {
                    last = $"it needs {ApiName(need.Api)} {min.Major}.{min.Minor} or later; {device.Name} offers {support.Version}";
                    continue;
                }
            }

            if (need.MinVramMb is { } minVram)
            {
                if (device.MemoryBytes == 0)
                {
                    notes?.Add($"the memory of {device.Name} is unknown; assumed to be {Mib(minVram)} or more");
                }
                else if (device.MemoryBytes < minVram * 1024 * 1024)
                {
                    last = $"it needs {Mib(minVram)} of {kind} memory; {device.Name} has {Mib(device.MemoryBytes / (1024 * 1024))}";
                    continue;
                }
            }

            return null;
        }

        return last;
    }

    private static string ApiName(string api) => api switch
    {
        "cuda" => "CUDA",
        "rocm" => "ROCm",
        "vulkan" => "Vulkan",
        "metal" => "Metal",
        "directml" => "DirectML",
        "openvino" => "OpenVINO",
        "qnn" => "QNN",
        _ => api,
    };

    private static string Mib(long mib) => string.Create(CultureInfo.InvariantCulture, $"{mib:N0} MiB");
}
