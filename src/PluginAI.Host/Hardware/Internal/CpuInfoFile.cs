namespace PluginAI.Host.Hardware.Internal;

/// <summary>What <c>/proc/cpuinfo</c> says about the machine's CPUs, on x86 and on ARM.</summary>
/// <param name="ModelName">The first model name, or <see langword="null"/>.</param>
/// <param name="Vendor">The vendor, or <see langword="null"/>; ARM implementer codes are named.</param>
/// <param name="Processors">The number of logical processors of the machine.</param>
/// <param name="Cores">The number of distinct (package, core) pairs; 0 when the file does not say.</param>
/// <param name="KernelOnlyFlags">The instruction sets that only the kernel's flag list reports (<c>f16c</c>, <c>sve</c>, <c>sve2</c>).</param>
internal sealed record CpuInfoFile(string? ModelName, string? Vendor, int Processors, int Cores, IReadOnlyList<string> KernelOnlyFlags)
{
    /// <summary>Parses the text of <c>/proc/cpuinfo</c>: blocks of <c>key : value</c> lines, one block per processor.</summary>
    public static CpuInfoFile Parse(string text)
    {
        string? model = null, vendor = null;
        var cores = new HashSet<(string Package, string Core)>();
        var flags = new List<string>();
        var processors = 0;
        string package = "0", core = string.Empty;
        foreach (var rawLine in text.Split('\n'))
        {
            var colon = rawLine.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                if (core.Length > 0)
                {
                    cores.Add((package, core));
                }

                package = "0";
                core = string.Empty;
                continue;
            }

            var key = rawLine[..colon].Trim();
            var value = rawLine[(colon + 1)..].Trim();
            switch (key)
            {
                case "processor":
                    processors++;
                    break;
                case "model name" or "Model" or "Hardware" when model is null && value.Length > 0:
                    model = value;
                    break;
                case "vendor_id" when vendor is null:
                    vendor = value;
                    break;
                case "CPU implementer" when vendor is null:
                    vendor = ArmImplementer(value);
                    break;
                case "physical id":
                    package = value;
                    break;
                case "core id":
                    core = value;
                    break;
                case "flags" or "Features":
                    // F16C and SVE have no stable intrinsics class in .NET; the kernel's flag list is authoritative for them.
                    foreach (var flag in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (flag is "f16c" or "sve" or "sve2" && !flags.Contains(flag))
                        {
                            flags.Add(flag);
                        }
                    }

                    break;
            }
        }

        if (core.Length > 0)
        {
            cores.Add((package, core));
        }

        return new CpuInfoFile(model, vendor, processors, cores.Count, flags);
    }

    private static string ArmImplementer(string code) => code.ToLowerInvariant() switch
    {
        "0x41" => "ARM",
        "0x51" => "Qualcomm",
        "0x61" => "Apple",
        "0x48" => "HiSilicon",
        "0xc0" => "Ampere",
        _ => $"ARM implementer {code}",
    };
}
