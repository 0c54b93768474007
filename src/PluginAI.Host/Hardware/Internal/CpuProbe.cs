using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using PluginAI.Hardware;

namespace PluginAI.Host.Hardware.Internal;

/// <summary>Probes the CPU: model, vendor, physical and logical cores, and the instruction sets this process can use.</summary>
internal sealed class CpuProbe
{
    private readonly ProbeFileSystem _files;

    /// <summary>Initializes a new instance of the <see cref="CpuProbe"/> class.</summary>
    /// <param name="files">The tree to read on Linux.</param>
    public CpuProbe(ProbeFileSystem files) => _files = files;

    /// <summary>Lists the instruction sets this process can use, by the names manifests use.</summary>
    public static List<string> DetectInstructionSets()
    {
        var sets = new List<string>();
        void Add(bool supported, string name)
        {
            if (supported)
            {
                sets.Add(name);
            }
        }

        Add(Sse3.IsSupported, "sse3");
        Add(Ssse3.IsSupported, "ssse3");
        Add(Sse41.IsSupported, "sse4.1");
        Add(Sse42.IsSupported, "sse4.2");
        Add(Popcnt.IsSupported, "popcnt");
        Add(Avx.IsSupported, "avx");
        Add(Avx2.IsSupported, "avx2");
        Add(Fma.IsSupported, "fma");
        Add(Bmi1.IsSupported, "bmi1");
        Add(Bmi2.IsSupported, "bmi2");
        Add(Lzcnt.IsSupported, "lzcnt");
        Add(Avx512F.IsSupported, "avx512f");
        Add(Avx512BW.IsSupported, "avx512bw");
        Add(Avx512CD.IsSupported, "avx512cd");
        Add(Avx512DQ.IsSupported, "avx512dq");
        Add(Avx512F.VL.IsSupported, "avx512vl");
        Add(Avx512Vbmi.IsSupported, "avx512vbmi");
        Add(AvxVnni.IsSupported, "avxvnni");
        Add(Avx10v1.IsSupported, "avx10.1");
        Add(AdvSimd.IsSupported, "neon");
        Add(Dp.IsSupported, "dotprod");
        Add(Rdm.IsSupported, "rdm");
        Add(Crc32.IsSupported, "crc32");
        Add(System.Runtime.Intrinsics.Arm.Aes.IsSupported, "aes");
        Add(Sha1.IsSupported, "sha1");
        Add(Sha256.IsSupported, "sha256");
        return sets;
    }

    /// <summary>Describes the CPU from the runtime alone, where there is no <c>/proc</c> to read.</summary>
    public static CpuInfo ProbeGeneric()
    {
        var name = Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? "unknown";
        var logical = Environment.ProcessorCount;
        return new CpuInfo { ModelName = name, PhysicalCores = logical, LogicalCores = logical, InstructionSets = DetectInstructionSets() };
    }

    /// <summary>Describes the CPU from <c>/proc/cpuinfo</c>, falling back to the sysfs topology for the core count.</summary>
    /// <param name="notes">Receives what could not be read.</param>
    public CpuInfo ProbeLinux(List<string> notes)
    {
        var logical = Environment.ProcessorCount;
        var sets = DetectInstructionSets();
        var text = _files.ReadText("proc/cpuinfo");
        if (text is null)
        {
            notes.Add("/proc/cpuinfo is not readable; physical cores assumed equal to logical processors.");
            return new CpuInfo { PhysicalCores = logical, LogicalCores = logical, InstructionSets = sets };
        }

        var file = CpuInfoFile.Parse(text);
        foreach (var flag in file.KernelOnlyFlags)
        {
            if (!sets.Contains(flag))
            {
                sets.Add(flag);
            }
        }

        var machineLogical = Math.Max(file.Processors, 1);
        var machinePhysical = file.Cores > 0 ? file.Cores : CountSysfsCores() ?? machineLogical;
        return new CpuInfo
        {
            ModelName = file.ModelName ?? "unknown",
            Vendor = file.Vendor ?? "unknown",
            PhysicalCores = PhysicalCoresOfProcess(machineLogical, machinePhysical, logical),
            LogicalCores = logical,
            InstructionSets = sets,
        };
    }

    /// <summary>Scales the machine's physical cores to the processors this process may use.</summary>
    /// <remarks>
    /// The process may be limited to fewer processors than the machine has (affinity, container quota): the physical
    /// count is scaled by the machine's threads per core.
    /// </remarks>
    public static int PhysicalCoresOfProcess(int machineLogical, int machinePhysical, int processLogical)
    {
        var threadsPerCore = Math.Max(1, (int)Math.Round(machineLogical / (double)machinePhysical));
        return Math.Max(1, Math.Min(machinePhysical, processLogical / threadsPerCore));
    }

    private int? CountSysfsCores()
    {
        var root = _files.Resolve("sys/devices/system/cpu");
        if (!Directory.Exists(root))
        {
            return null;
        }

        var cores = new HashSet<string>();
        foreach (var cpu in Directory.EnumerateDirectories(root, "cpu*"))
        {
            var coreId = ProbeFileSystem.ReadFullPath(Path.Combine(cpu, "topology", "core_id"))?.Trim();
            var packageId = ProbeFileSystem.ReadFullPath(Path.Combine(cpu, "topology", "physical_package_id"))?.Trim();
            if (coreId is not null)
            {
                cores.Add($"{packageId}:{coreId}");
            }
        }

        return cores.Count > 0 ? cores.Count : null;
    }
}
