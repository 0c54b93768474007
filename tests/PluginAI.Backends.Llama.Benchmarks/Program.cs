using System.Diagnostics;
using BenchmarkDotNet.Running;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Backends;
using PluginAI.Backends.Llama.Benchmarks;
using PluginAI.Backends.Llama.Internal;

// "memory mmap|nommap" measures resident memory in a fresh process, where nothing else has touched the model;
// "compare [rounds] [stories]" times the two generation paths in alternation (see Paired), on the random model or stories260K;
// "concurrency [tokens] [requests per client] [stories]" measures aggregate tokens/s at 1 and 4 concurrent clients (see Concurrency);
// anything else goes to BenchmarkDotNet (for example: --filter '*').
if (args is ["compare", ..])
{
    var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
    await Paired.RunAsync(rounds, Console.Out, stories: args is [_, _, "stories"]);
    return 0;
}

if (args is ["concurrency", ..])
{
    var tokens = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64;
    var requests = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 4;
    await Concurrency.RunAsync(tokens, requests, Console.Out, storiesOnly: args is [_, _, _, "stories"]);
    return 0;
}

if (args is ["memory", var mode])
{
    var memoryMap = mode == "mmap";
    var path = BenchModel.EnsureWritten();
    var before = Resident();
    var watch = Stopwatch.StartNew();
    await using var model = await new LlamaBackend(NullLogger.Instance).LoadModelAsync(new() { ModelPath = path, Plan = BenchModel.Plan(memoryMap), Capabilities = ModelCapabilities.Chat });
    var loadMs = watch.ElapsedMilliseconds;
    var afterLoad = Resident();
    await model.ChatClient!.GetResponseAsync("hello", new ChatOptions { MaxOutputTokens = 4, Temperature = 0 });
    var afterGenerate = Resident();
    Console.WriteLine($"mode={mode} file_mb={new FileInfo(path).Length / 1048576} load_ms={loadMs} " +
        $"rss_mb_before={before.Total} rss_mb_after_load={afterLoad.Total} (anon {afterLoad.Anon}, file {afterLoad.File}) " +
        $"rss_mb_after_generate={afterGenerate.Total} (anon {afterGenerate.Anon}, file {afterGenerate.File})");
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(GenerationBenchmarks).Assembly).Run(args);
return 0;

static (long Total, long Anon, long File) Resident()
{
    long Read(string key) => File.ReadLines("/proc/self/status").Where(l => l.StartsWith(key, StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024).FirstOrDefault();
    return (Read("VmRSS:"), Read("RssAnon:"), Read("RssFile:"));
}
