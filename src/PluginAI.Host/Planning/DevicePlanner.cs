using System.Globalization;
using PluginAI.Backends;
using PluginAI.Hardware;

namespace PluginAI.Host.Planning;

/// <summary>
/// Plans how a model runs on this machine: CPU threads, GPU layer offload, context size, memory mapping, and whether it
/// fits, with the reason for each choice.
/// </summary>
/// <remarks>
/// A pure function of the hardware profile, the model's header and the user's overrides, so every decision can be tested
/// against profiles of machines we do not have. Estimates use 16-bit key-value caches and keep a margin on each device
/// for compute buffers and the driver.
/// </remarks>
public static class DevicePlanner
{
    /// <summary>The smallest context the planner will shrink to before it gives up fitting in memory.</summary>
    public const int MinimumContext = 512;

    /// <summary>The context the planner aims for when the user sets none: long enough for retrieval-augmented answers.</summary>
    public const int DefaultContext = 4096;

    /// <summary>The sequences a model generates at once on the CPU when the user sets none.</summary>
    public const int DefaultCpuParallelSequences = 4;

    /// <summary>The sequences a model generates at once when all of it runs on a GPU and the user sets none.</summary>
    public const int DefaultGpuParallelSequences = 8;

    /// <summary>The requests that may wait for a free sequence when the user sets no limit.</summary>
    public const int DefaultQueueLimit = 64;

    private const long MiB = 1024 * 1024;
    private const long GpuReserveBytes = 512 * MiB;
    private const long CpuOverheadBytes = 256 * MiB;
    private static readonly string[] s_gpuApis = ["cuda", "rocm", "metal", "vulkan"];

    /// <summary>Plans a generative (GGUF) model.</summary>
    /// <param name="hardware">This machine.</param>
    /// <param name="model">The model's header.</param>
    /// <param name="backendDevices">The devices the backend build can use, such as <c>cpu</c> or <c>cuda</c>; see <see cref="BackendMetadata.Devices"/>.</param>
    /// <param name="overrides">The user's choices.</param>
    /// <returns>The plan with a reason for every choice.</returns>
    public static DevicePlan PlanGenerative(HardwareProfile hardware, ModelProfile model, IReadOnlyList<string> backendDevices, PlanOverrides? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(backendDevices);
        overrides ??= new PlanOverrides();
        var reasons = new Dictionary<string, string>();
        var warnings = new List<string>();

        var threads = PlanThreads(hardware, overrides, reasons);

        var context = overrides.ContextSize ?? Math.Min(model.TrainedContextLength, DefaultContext);
        var contextReason = overrides.ContextSize is { } requested
            ? $"{requested} tokens, as requested"
            : model.TrainedContextLength <= DefaultContext
                ? $"{context} tokens, the length the model was trained with"
                : $"{context} tokens of the {model.TrainedContextLength} the model supports; more costs memory for the key-value cache (set a context size to change it)";
        if (overrides.ContextSize is { } asked && asked > model.TrainedContextLength)
        {
            warnings.Add($"the requested context of {asked} tokens is longer than the {model.TrainedContextLength} the model was trained with; answers may degrade");
        }

        var (gpu, gpuApi, gpuWhy) = PickGpu(hardware, backendDevices);
        var gpuLayers = 0;
        var device = "cpu";
        if (gpu is not null)
        {
            var budget = GpuBudget(gpu, hardware);
            var full = model.WeightBytes + model.KeyValueCacheBytes(context, model.LayerCount);
            if (overrides.GpuLayers is { } forced)
            {
                gpuLayers = Math.Clamp(forced, 0, model.LayerCount + 1);
                reasons[nameof(DevicePlan.GpuLayers)] = $"{gpuLayers} layers on {gpu.Name}, as requested";
            }
            else if (full <= budget)
            {
                gpuLayers = model.LayerCount + 1;
                reasons[nameof(DevicePlan.GpuLayers)] = $"all {model.LayerCount} layers and the output layer on {gpu.Name}: weights and cache need {Gib(full)} of the {Gib(budget)} usable";
            }
            else
            {
                // Shrink the context first when that alone makes the whole model fit: full offload is much faster than a longer context.
                var shrunk = context;
                while (shrunk / 2 >= MinimumContext && overrides.ContextSize is null && model.WeightBytes + model.KeyValueCacheBytes(shrunk, model.LayerCount) > budget)
                {
                    shrunk /= 2;
                }

                if (shrunk != context && model.WeightBytes + model.KeyValueCacheBytes(shrunk, model.LayerCount) <= budget)
                {
                    contextReason = $"{shrunk} tokens, shortened from {context} so that the whole model fits in {gpu.Name}'s memory";
                    context = shrunk;
                    gpuLayers = model.LayerCount + 1;
                    reasons[nameof(DevicePlan.GpuLayers)] = $"all {model.LayerCount} layers and the output layer on {gpu.Name} with the shorter context";
                }
                else
                {
                    var perLayer = model.BytesPerLayer + model.KeyValueCacheBytes(context, 1);
                    var layers = perLayer == 0 ? 0 : (int)Math.Clamp((budget - model.NonLayerBytes) / perLayer, 0, model.LayerCount);
                    gpuLayers = layers;
                    reasons[nameof(DevicePlan.GpuLayers)] = layers > 0
                        ? $"{layers} of {model.LayerCount} layers on {gpu.Name}: each needs {Mib(perLayer)} with its cache, {Gib(budget)} usable; the rest run on the CPU"
                        : $"none: one layer needs {Mib(perLayer)} but {gpu.Name} has only {Gib(budget)} usable";
                }
            }

            if (gpuLayers > 0)
            {
                device = gpuApi!;
            }
        }
        else
        {
            var ignored = overrides.GpuLayers is > 0 ? " (the requested GPU layers are ignored)" : string.Empty;
            reasons[nameof(DevicePlan.GpuLayers)] = $"none: {gpuWhy}{ignored}";
            if (overrides.GpuLayers is > 0)
            {
                warnings.Add($"{overrides.GpuLayers} GPU layers were requested, but {gpuWhy}");
            }
        }

        reasons[nameof(DevicePlan.ContextSize)] = contextReason;
        reasons[nameof(DevicePlan.Device)] = device == "cpu" ? "cpu" : $"{device} on {gpu!.Name}";

        var cpuLayers = Math.Max(0, model.LayerCount - Math.Min(gpuLayers, model.LayerCount));
        var cpuWeights = gpuLayers > model.LayerCount ? 0 : model.NonLayerBytes + (model.BytesPerLayer * cpuLayers);
        var cpuBytes = cpuWeights + model.KeyValueCacheBytes(context, cpuLayers) + CpuOverheadBytes;
        var useMmap = overrides.UseMemoryMap ?? true;
        var lockMemory = overrides.LockMemory ?? false;
        reasons[nameof(DevicePlan.UseMemoryMap)] = useMmap
            ? overrides.UseMemoryMap is null
                ? "yes: weights are mapped from the file and paged in on demand, so the model starts fast and can exceed free memory"
                : "yes, as requested"
            : "no, as requested: the weights are read into memory, which needs all of it free";
        if (lockMemory)
        {
            reasons[nameof(DevicePlan.LockMemory)] = "yes, as requested: mapped weights are locked in RAM so they are never paged out (needs enough free memory and permission to lock it)";
        }

        var available = hardware.Memory.AvailableBytes;
        var total = hardware.Memory.TotalBytes;
        string fit;
        if (cpuBytes <= available)
        {
            fit = $"fits: {Gib(cpuBytes)} in system memory, {Gib(available)} available";
        }
        else if (cpuBytes <= total)
        {
            fit = $"tight: {Gib(cpuBytes)} needed, {Gib(available)} available of {Gib(total)}";
            warnings.Add($"the model needs {Gib(cpuBytes)} of system memory but only {Gib(available)} is free: close other programs, or expect paging");
        }
        else
        {
            fit = useMmap
                ? $"pages: {Gib(cpuBytes)} needed, more than the {Gib(total)} of RAM; the memory-mapped weights are read from disk as needed"
                : $"does not fit: {Gib(cpuBytes)} needed, more than the {Gib(total)} of RAM, and memory mapping is off";
            warnings.Add(useMmap
                ? $"the model needs {Gib(cpuBytes)} but this machine has {Gib(total)} of RAM: it will run from the memory-mapped file, paging weights from disk, much more slowly; a smaller quantization or shorter context would fit"
                : $"the model needs {Gib(cpuBytes)} but this machine has {Gib(total)} of RAM and memory mapping is off: loading will likely fail; turn memory mapping on");
        }

        reasons[nameof(DevicePlan.EstimatedMemoryBytes)] = fit;
        var (parallel, queueLimit) = PlanSequences(overrides, gpuLayers > model.LayerCount, reasons);
        var npu = hardware.Accelerators.FirstOrDefault(a => a.Type == AcceleratorType.Npu);
        if (npu is not null)
        {
            reasons["Npu"] = $"{npu.Name} is not used: llama.cpp runs on CPUs and GPUs; NPUs serve ONNX models through OpenVINO or QNN";
        }

        return new DevicePlan
        {
            Threads = threads,
            GpuLayers = gpuLayers,
            MainGpu = gpu is null ? 0 : Math.Max(0, hardware.Accelerators.Where(a => a.Type == AcceleratorType.Gpu).ToList().IndexOf(gpu)),
            ContextSize = context,
            BatchSize = Math.Min(context, 512),
            ParallelSequences = parallel,
            QueueLimit = queueLimit,
            UseMemoryMap = useMmap,
            LockMemory = lockMemory,
            Device = device,
            EstimatedMemoryBytes = cpuBytes + (gpuLayers > 0 ? model.WeightBytes - cpuWeights + model.KeyValueCacheBytes(context, Math.Min(gpuLayers, model.LayerCount)) : 0),
            Warnings = warnings,
            Reasons = reasons,
        };
    }

    /// <summary>Plans an embedding model run by ONNX Runtime: which execution provider, and how many threads.</summary>
    /// <param name="hardware">This machine.</param>
    /// <param name="backendDevices">The execution providers the backend build has, such as <c>cpu</c>, <c>cuda</c>, <c>openvino</c>.</param>
    /// <param name="overrides">The user's choices.</param>
    /// <returns>The plan with a reason for every choice.</returns>
    public static DevicePlan PlanEmbedding(HardwareProfile hardware, IReadOnlyList<string> backendDevices, PlanOverrides? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        ArgumentNullException.ThrowIfNull(backendDevices);
        overrides ??= new PlanOverrides();
        var reasons = new Dictionary<string, string>();
        var threads = PlanThreads(hardware, overrides, reasons);
        var device = "cpu";
        var why = "no accelerator that this backend build can use was found";
        foreach (var (api, type, vendor) in new[] { ("cuda", AcceleratorType.Gpu, "nvidia"), ("openvino", AcceleratorType.Npu, "intel"), ("qnn", AcceleratorType.Npu, "qualcomm"), ("openvino", AcceleratorType.Gpu, "intel"), ("directml", AcceleratorType.Gpu, (string?)null) })
        {
            var candidate = hardware.Accelerators.FirstOrDefault(a => a.Type == type && (vendor is null || a.Vendor == vendor) && (a.FindApi(api) is not null || (api == "directml" && hardware.OperatingSystem == "windows")));
            if (candidate is null)
            {
                continue;
            }

            if (!backendDevices.Contains(api, StringComparer.OrdinalIgnoreCase))
            {
                why = $"{candidate.Name} offers {api}, but this backend build has no {api} execution provider; install its {api} variant to use it";
                continue;
            }

            device = api;
            why = $"{api} on {candidate.Name}";
            break;
        }

        reasons[nameof(DevicePlan.Device)] = device == "cpu" ? $"cpu: {why}" : why;
        return new DevicePlan
        {
            Threads = threads,
            ContextSize = 512,
            BatchSize = 32,
            Device = device,
            Reasons = reasons,
        };
    }

    private static (int Parallel, int QueueLimit) PlanSequences(PlanOverrides overrides, bool fullyOffloaded, Dictionary<string, string> reasons)
    {
        int parallel;
        if (overrides.ParallelSequences is { } requested)
        {
            parallel = Math.Max(1, requested);
            reasons[nameof(DevicePlan.ParallelSequences)] = parallel == requested ? $"{requested}, as requested" : $"1: {requested} was requested, and at least one sequence must run";
        }
        else if (fullyOffloaded)
        {
            parallel = DefaultGpuParallelSequences;
            reasons[nameof(DevicePlan.ParallelSequences)] = $"{parallel}: with every layer on the GPU one token per sequence barely costs more than one token alone, so up to {parallel} requests share each step; they share the context's key-value cache, so memory does not grow";
        }
        else
        {
            parallel = DefaultCpuParallelSequences;
            reasons[nameof(DevicePlan.ParallelSequences)] = $"{parallel}: a CPU step reads all the weights once whatever the number of sequences, so {parallel} requests share each step for more tokens per second in all, at some cost to each one's speed; they share the context's key-value cache, so memory does not grow";
        }

        var queueLimit = Math.Max(0, overrides.QueueLimit ?? DefaultQueueLimit);
        reasons[nameof(DevicePlan.QueueLimit)] = overrides.QueueLimit is { } limit
            ? limit == queueLimit ? $"{limit} waiting requests, as requested" : $"0: {limit} was requested, and a queue cannot be shorter than empty"
            : $"{queueLimit} waiting requests; beyond that a request is refused at once (HTTP 429 with Retry-After) rather than waiting without bound";
        return (parallel, queueLimit);
    }

    private static int PlanThreads(HardwareProfile hardware, PlanOverrides overrides, Dictionary<string, string> reasons)
    {
        if (overrides.Threads is { } threads)
        {
            var clamped = Math.Clamp(threads, 1, Math.Max(1, hardware.Cpu.LogicalCores));
            reasons[nameof(DevicePlan.Threads)] = clamped == threads ? $"{threads}, as requested" : $"{clamped}: {threads} were requested but the machine has {hardware.Cpu.LogicalCores} logical processors";
            return clamped;
        }

        var physical = Math.Max(1, hardware.Cpu.PhysicalCores);
        reasons[nameof(DevicePlan.Threads)] = physical == hardware.Cpu.LogicalCores
            ? $"{physical}, one per core"
            : $"{physical}, one per physical core: the {hardware.Cpu.LogicalCores - physical} extra hyper-threads share the cores' arithmetic units and slow matrix work down";
        return physical;
    }

    private static (AcceleratorInfo? Gpu, string? Api, string Why) PickGpu(HardwareProfile hardware, IReadOnlyList<string> backendDevices)
    {
        var gpus = hardware.Accelerators.Where(a => a.Type == AcceleratorType.Gpu).ToList();
        if (gpus.Count == 0)
        {
            return (null, null, "no GPU was found");
        }

        foreach (var api in s_gpuApis)
        {
            if (!backendDevices.Contains(api, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var best = gpus.Where(g => g.FindApi(api) is not null).OrderByDescending(g => g.MemoryBytes).FirstOrDefault();
            if (best is not null)
            {
                return (best, api, string.Empty);
            }
        }

        var offered = gpus.SelectMany(g => g.Apis.Select(a => a.Api)).Intersect(s_gpuApis).Distinct().ToList();
        return (null, null, offered.Count == 0
            ? $"the GPU ({string.Join(", ", gpus.Select(g => g.Name))}) offers no compute API llama.cpp uses"
            : $"this backend build runs on {string.Join(", ", backendDevices)} only; {gpus[0].Name} needs its {string.Join(" or ", offered)} variant");
    }

    private static long GpuBudget(AcceleratorInfo gpu, HardwareProfile hardware)
    {
        // Apple GPUs share system memory; the driver lets Metal use about two thirds of it.
        var memory = gpu.MemoryBytes > 0 ? gpu.MemoryBytes : gpu.Vendor == "apple" ? hardware.Memory.TotalBytes * 2 / 3 : 0;
        return Math.Max(0, (long)(memory * 0.9) - GpuReserveBytes);
    }

    private static string Gib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * MiB):0.0} GiB");

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)MiB:0} MiB");
}
