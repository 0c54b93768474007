using BenchmarkDotNet.Running;
using PluginAI.Registry.Benchmarks;

// --quick: fewer iterations (about 2 minutes on 2 cores, after about a minute of setup). Other arguments go to BenchmarkDotNet.
var quick = args.Contains("--quick", StringComparer.Ordinal);
var rest = args.Where(a => a != "--quick").ToArray();
if (rest.Length == 0)
{
    rest = ["--filter", "*"];
}

BenchmarkSwitcher.FromAssembly(typeof(RegistryBenchConfig).Assembly).Run(rest, RegistryBenchConfig.Create(quick));
BenchRegistry.Shutdown();
