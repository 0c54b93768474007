using System.CommandLine;
using PluginAI.Host.Planning;

namespace PluginAI.Cli.Commands;

/// <summary>The options that override device planning, shared by every command that loads a model.</summary>
internal sealed class PlanOptions
{
    public Option<int?> Threads { get; } = new("--threads") { Description = "CPU threads (default: one per physical core)." };

    public Option<int?> GpuLayers { get; } = new("--gpu-layers") { Description = "Layers to offload to the GPU (default: as many as fit)." };

    public Option<int?> Context { get; } = new("--context") { Description = "Context size in tokens (default: what fits, up to 4096)." };

    public Option<bool> NoMmap { get; } = new("--no-mmap") { Description = "Read the weights into memory instead of mapping the file." };

    public Option<bool> Mlock { get; } = new("--mlock") { Description = "Lock the mapped weights in RAM." };

    public void AddTo(Command command)
    {
        command.Options.Add(Threads);
        command.Options.Add(GpuLayers);
        command.Options.Add(Context);
        command.Options.Add(NoMmap);
        command.Options.Add(Mlock);
    }

    public PlanOverrides Read(ParseResult parse) => new()
    {
        Threads = parse.GetValue(Threads),
        GpuLayers = parse.GetValue(GpuLayers),
        ContextSize = parse.GetValue(Context),
        UseMemoryMap = parse.GetValue(NoMmap) ? false : null,
        LockMemory = parse.GetValue(Mlock) ? true : null,
    };
}
