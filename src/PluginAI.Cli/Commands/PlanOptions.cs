using System.CommandLine;
using PluginAI.Host.Planning;

namespace PluginAI.Cli.Commands;

/// <summary>The options that override device planning, shared by every command that loads a model.</summary>
internal sealed class PlanOptions
{
    public Option<int?> Threads { get; } = new("--threads") { Description = "CPU threads (default: one per physical core)." };

    public Option<int?> GpuLayers { get; } = new("--gpu-layers") { Description = "Layers to offload to the GPU (default: as many as fit)." };

    public Option<int?> Context { get; } = new("--context") { Description = "Context size in tokens (default: what fits, up to 4096)." };

    public Option<int?> Parallel { get; } = new("--parallel") { Description = "Requests a chat model generates at once, sharing each decode step (default: 4 on the CPU, 8 with the whole model on a GPU)." };

    public Option<int?> Queue { get; } = new("--queue") { Description = "Requests that may wait for a free sequence before new ones are refused (default: 64)." };

    public Option<bool> NoMmap { get; } = new("--no-mmap") { Description = "Read the weights into memory instead of mapping the file." };

    public Option<bool> Mlock { get; } = new("--mlock") { Description = "Lock the mapped weights in RAM." };

    public void AddTo(Command command)
    {
        command.Options.Add(Threads);
        command.Options.Add(GpuLayers);
        command.Options.Add(Context);
        command.Options.Add(Parallel);
        command.Options.Add(Queue);
        command.Options.Add(NoMmap);
        command.Options.Add(Mlock);
    }

    public PlanOverrides Read(ParseResult parse)
    {
        var parallel = parse.GetValue(Parallel);
        if (parallel is < 1)
        {
            throw new CliException($"--parallel must be at least 1; got {parallel}");
        }

        var queue = parse.GetValue(Queue);
        if (queue is < 0)
        {
            throw new CliException($"--queue must be 0 or more; got {queue}");
        }

        return new()
        {
            Threads = parse.GetValue(Threads),
            GpuLayers = parse.GetValue(GpuLayers),
            ContextSize = parse.GetValue(Context),
            UseMemoryMap = parse.GetValue(NoMmap) ? false : null,
            LockMemory = parse.GetValue(Mlock) ? true : null,
            ParallelSequences = parallel,
            QueueLimit = queue,
        };
    }
}
