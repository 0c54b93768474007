using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using PluginAI;
using PluginAI.Backends;
using PluginAI.Host;
using PluginAI.Host.Hardware;
using PluginAI.Manifest;
using PluginAI.TestSupport;

// Plugins in a worker process against the same plugins in process, side by side in one run:
//   tokens [rounds]   greedy tokens/s of the GGUF backend on stories260K and on a random model this program writes
//   calls [count]     the round trip of one small call, and the cost of one streamed token
//   start [count]     how long a host takes to start with one plugin in a worker, first (cold) and then (warm)
var command = args.Length > 0 ? args[0] : "tokens";
var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
var hardware = await new HardwareProbe().ProbeAsync();
var work = Path.Combine(Path.GetTempPath(), "pluginai-worker-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(work);
try
{
    switch (command)
    {
        case "tokens":
            await Tokens(count > 0 ? count : 8);
            break;
        case "calls":
            await Calls(count > 0 ? count : 2000);
            break;
        case "start":
            await Start(count > 0 ? count : 6);
            break;
        default:
            Console.Error.WriteLine("usage: PluginAI.Host.Benchmarks tokens|calls|start [count]");
            return 2;
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

return 0;

async Task<PluginHost> StartLlamaHost(PluginIsolation isolation)
{
    var options = new PluginHostOptions { HomeDirectory = Path.Combine(work, isolation.ToString()), IncludeBundledPlugins = false, AllowUnsigned = true };
    options.AdditionalPluginDirectories.Add(Path.Combine(AppContext.BaseDirectory, "TestPlugins"));
    options.Isolation["PluginAI.Backends.Llama"] = isolation;
    return await PluginHost.StartAsync(options, new StaticHardwareProbe(hardware));
}

async Task Tokens(int rounds)
{
    const int tokens = 300;
    var written = Path.Combine(work, "random-512x4.gguf");
    TinyLlamaModel.Write(written, new TinyLlamaModelOptions
    {
        Seed = 7, Name = "bench-512x4", EmbeddingLength = 512, BlockCount = 4, HeadCount = 8, FeedForwardLength = 1408,
        VocabularySize = 4096, ContextLength = 2048, ChatTemplate = TinyLlamaModel.ChatMLTemplate, GreedyNeverEnds = true,
    });
    await using var inProcess = await StartLlamaHost(PluginIsolation.InProcess);
    await using var worker = await StartLlamaHost(PluginIsolation.OutOfProcess);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{tokens} greedy tokens streamed a request, 1 llama.cpp thread, {rounds} rounds in alternating order; ratio = worker / in process"));
    foreach (var (name, path) in new[] { ("stories260K", SharedModels.Stories260K), ("random 512x4 (written)", written) })
    {
        var request = new ModelLoadRequest { ModelPath = path, Capabilities = ModelCapabilities.Chat, Plan = new DevicePlan { Threads = 1, ContextSize = 1024, BatchSize = 512 } };
        await using var local = await inProcess.GetBackends().Single(b => b.CanLoad(path)).LoadModelAsync(request);
        await using var remote = await worker.GetBackends().Single(b => b.CanLoad(path)).LoadModelAsync(request);
        var options = new ChatOptions { Temperature = 0, Seed = 1, MaxOutputTokens = tokens };
        await Generate(local.ChatClient!, options);
        await Generate(remote.ChatClient!, options);
        var ratios = new List<double>();
        var (localTotal, remoteTotal) = (0.0, 0.0);
        for (var round = 0; round < rounds; round++)
        {
            double a, b;
            if (round % 2 == 0)
            {
                a = await Generate(local.ChatClient!, options);
                b = await Generate(remote.ChatClient!, options);
            }
            else
            {
                b = await Generate(remote.ChatClient!, options);
                a = await Generate(local.ChatClient!, options);
            }

            ratios.Add(b / a);
            (localTotal, remoteTotal) = (localTotal + a, remoteTotal + b);
        }

        ratios.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: in process {localTotal / rounds:F0} tok/s, worker {remoteTotal / rounds:F0} tok/s; ratio median {ratios[ratios.Count / 2]:F3} (min {ratios[0]:F3}, max {ratios[^1]:F3})"));
    }
}

static async Task<double> Generate(IChatClient client, ChatOptions options)
{
    var watch = Stopwatch.StartNew();
    long generated = 0;
    await foreach (var update in client.GetStreamingResponseAsync("Once upon a time", options))
    {
        foreach (var usage in update.Contents.OfType<UsageContent>())
        {
            generated = usage.Details.OutputTokenCount ?? generated;
        }
    }

    if (generated == 0)
    {
        throw new InvalidOperationException("the stream reported no output tokens");
    }

    return generated / watch.Elapsed.TotalSeconds;
}

async Task<PluginHost> StartNativeHost(string isolation)
{
    var home = Path.Combine(work, "native-" + isolation);
    var folder = Path.Combine(home, "plugins", "misbehaving");
    CopyDirectory(Path.Combine(AppContext.BaseDirectory, "TestPlugins", "PluginAI.TestPlugins.Native"), folder);
    File.WriteAllText(Path.Combine(folder, "pluginai.json"), $$"""
        {
          "schemaVersion": 1,
          "id": "Bench.Misbehaving",
          "version": "1.0.0",
          "kinds": ["backend"],
          "entry": { "assembly": "PluginAI.TestPlugins.Native.dll", "type": "PluginAI.TestPlugins.Native.NativeTestPlugin" },
          "hostApi": "[2.0,3.0)",
          "isolation": "{{isolation}}"
        }
        """);
    return await PluginHost.StartAsync(new PluginHostOptions { HomeDirectory = home, IncludeBundledPlugins = false, AllowUnsigned = true }, new StaticHardwareProbe(hardware));
}

async Task Calls(int calls)
{
    await using var inProcess = await StartNativeHost("in-process");
    await using var worker = await StartNativeHost("out-of-process");
    var request = new ModelLoadRequest { ModelPath = "m.test", Capabilities = ModelCapabilities.Chat };
    await using var local = await inProcess.GetBackends().Single().LoadModelAsync(request);
    await using var remote = await worker.GetBackends().Single().LoadModelAsync(request);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{calls} small calls (a one-word chat request and its answer) and {calls * 10} streamed one-token updates each way"));
    foreach (var pass in new[] { "warm-up", "measured" })
    {
        var localCall = await SmallCalls(local.ChatClient!, pass == "warm-up" ? 200 : calls);
        var remoteCall = await SmallCalls(remote.ChatClient!, pass == "warm-up" ? 200 : calls);
        var localToken = await StreamedTokens(local.ChatClient!, pass == "warm-up" ? 2000 : calls * 10);
        var remoteToken = await StreamedTokens(remote.ChatClient!, pass == "warm-up" ? 2000 : calls * 10);
        if (pass == "measured")
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"small call, median: in process {localCall:F1} us, worker {remoteCall:F1} us; round trip {remoteCall - localCall:F1} us"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"streamed token: in process {localToken:F2} us, worker {remoteToken:F2} us; cost of crossing {remoteToken - localToken:F2} us a token"));
        }
    }
}

static async Task<double> SmallCalls(IChatClient client, int calls)
{
    var times = new double[calls];
    for (var i = 0; i < calls; i++)
    {
        var watch = Stopwatch.StartNew();
        await client.GetResponseAsync("hello");
        times[i] = watch.Elapsed.TotalMicroseconds;
    }

    Array.Sort(times);
    return times[calls / 2];
}

static async Task<double> StreamedTokens(IChatClient client, int tokens)
{
    var watch = Stopwatch.StartNew();
    var received = 0;
    await foreach (var update in client.GetStreamingResponseAsync(string.Create(CultureInfo.InvariantCulture, $"burst {tokens}")))
    {
        received += update.Text.Length;
    }

    if (received != tokens)
    {
        throw new InvalidOperationException($"expected {tokens} tokens, received {received}");
    }

    return watch.Elapsed.TotalMicroseconds / tokens;
}

async Task Start(int starts)
{
    var inProcess = new List<double>();
    var workers = new List<double>();
    for (var i = 0; i <= starts; i++)
    {
        foreach (var isolation in new[] { "out-of-process", "in-process" })
        {
            var watch = Stopwatch.StartNew();
            await using (var host = await StartNativeHost(isolation))
            {
                if (host.Plugins.Single().Status != PluginStatus.Loaded)
                {
                    throw new InvalidOperationException($"the plugin did not load: {host.Plugins.Single().Reason}");
                }

                (isolation == "in-process" ? inProcess : workers).Add(watch.Elapsed.TotalMilliseconds);
            }

            Directory.Delete(Path.Combine(work, "native-" + isolation), recursive: true);
        }
    }

    var warm = workers.Skip(1).Order().ToList();
    var warmLocal = inProcess.Skip(1).Order().ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"host start with one plugin in a worker: first {workers[0]:F0} ms (cold), then median {warm[warm.Count / 2]:F0} ms (warm, {warm.Count} starts); in process: first {inProcess[0]:F0} ms, then median {warmLocal[warmLocal.Count / 2]:F0} ms"));
}

static void CopyDirectory(string source, string target)
{
    Directory.CreateDirectory(target);
    foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
    {
        var destination = Path.Combine(target, Path.GetRelativePath(source, file));
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Copy(file, destination, overwrite: true);
    }
}
