using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PluginAI.Cluster;
using PluginAI.Runtime;
using PluginAI.Runtime.Ingestion;

// Cluster ingestion figures on this machine: documents per second through 1, 2 and 3 nodes (real Orleans silos on
// loopback TCP with development membership, in this one process), against the same documents ingested locally, and the
// cost of a second copy of every document.
//
//   dotnet run -c Release --project tests/PluginAI.Cluster.Benchmarks -- [copies of the corpus, default 2] [all|speed|quality]
var mode = args.Length > 1 ? args[1] : "all";
var copies = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
var corpusFolder = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RetrievalCorpus").Value!;
var root = Path.Combine(Path.GetTempPath(), "pluginai-cluster-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(root);
var files = Directory.EnumerateFiles(corpusFolder, "*.md").Order(StringComparer.Ordinal).ToList();
// The warm-up ingests the whole corpus under other keys into the same knowledge base, so that the timed run measures
// a knowledge base (and, in a cluster, every shard of it) that already exists, as in a cluster that has been running.
MemoryDocumentSource Warmup()
{
    var source = new MemoryDocumentSource("warm-up");
    foreach (var file in files)
    {
        source.Add("warm-up/" + Path.GetFileName(file), File.ReadAllBytes(file), "text/markdown");
    }

    return source;
}

MemoryDocumentSource Corpus()
{
    var source = new MemoryDocumentSource("pydoc");
    for (var copy = 0; copy < copies; copy++)
    {
        foreach (var file in files)
        {
            source.Add($"copy{copy}/{Path.GetFileName(file)}", File.ReadAllBytes(file), "text/markdown");
        }
    }

    return source;
}

var documents = files.Count * copies;
var bytes = files.Sum(f => new FileInfo(f).Length) * copies;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"corpus: {documents} documents, {bytes / 1024.0:0} KiB (tests/data/retrieval/corpus x{copies}); {Environment.ProcessorCount} cores"));

void Configure(PluginAIOptions options, string home)
{
    options.Host.HomeDirectory = home;
    options.Host.IncludeBundledPlugins = false;
    options.Host.AllowUnsigned = true;
    options.Host.AdditionalPluginDirectories.Add(Path.Combine(AppContext.BaseDirectory, "TestPlugins"));
}

// Local: the same pipeline, one process, no cluster.
if (mode is "all" or "speed")
{
    await using var services = new ServiceCollection().AddPluginAI(o => Configure(o, Path.Combine(root, "local"))).BuildServiceProvider();
    var ingestion = services.GetRequiredService<IngestionService>();
    await ingestion.IngestAsync("pydoc", Warmup(), new IngestionOptions { KnowledgeBase = "pydoc", Parallelism = 1 });
    await ingestion.IngestAsync("pydoc2", Warmup(), new IngestionOptions { KnowledgeBase = "pydoc2" });
    var watch = Stopwatch.StartNew();
    var report = await ingestion.IngestAsync("pydoc", Corpus(), new IngestionOptions { KnowledgeBase = "pydoc", Parallelism = 1 });
    Report("local, 1 worker", report.Added, watch.Elapsed, report.Chunks);
    watch.Restart();
    report = await ingestion.IngestAsync("pydoc2", Corpus(), new IngestionOptions { KnowledgeBase = "pydoc2" });
    Report($"local, {Environment.ProcessorCount} workers", report.Added, watch.Elapsed, report.Chunks);
}

foreach (var (nodes, replicas) in mode is "all" or "speed" ? new[] { (1, 1), (2, 1), (2, 2), (3, 2) } : [])
{
    var silos = new List<IHost>();
    var primary = FreePort();
    for (var i = 0; i < nodes; i++)
    {
        var settings = new ClusterNodeSettings
        {
            Name = $"n{nodes}r{replicas}-{i}",
            Primary = i == 0 ? null : $"127.0.0.1:{primary}",
            SiloPort = i == 0 ? primary : FreePort(),
            GatewayPort = FreePort(),
            ClusterId = $"bench-{nodes}-{replicas}",
        };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Services.AddPluginAI(o => Configure(o, Path.Combine(root, settings.Name)));
        builder.UseOrleans(silo => silo.UsePluginAINode(settings, o => o.ReplicationFactor = replicas));
        var host = builder.Build();
        await host.StartAsync();
        silos.Add(host);
    }

    var gatewayPort = silos[0].Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().GatewayAddress!.Endpoint.Port;
    var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    clientBuilder.Logging.SetMinimumLevel(LogLevel.Error);
    clientBuilder.UseOrleansClient(c => c.UsePluginAICluster($"127.0.0.1:{gatewayPort}", clusterId: $"bench-{nodes}-{replicas}"));
    using var client = clientBuilder.Build();
    await client.StartAsync();
    var gateway = new ClusterGateway(client.Services.GetRequiredService<IClusterClient>());
    await WaitForMembersAsync(gateway, nodes);
    await gateway.IngestAsync(Warmup(), "pydoc", new ClusterIngestOptions { Parallelism = 2 * nodes });
    var watch = Stopwatch.StartNew();
    var result = await gateway.IngestAsync(Corpus(), "pydoc", new ClusterIngestOptions { Parallelism = 2 * nodes });
    var elapsed = watch.Elapsed;
    if (result.Failed.Count > 0)
    {
        throw new InvalidOperationException($"{result.Failed.Count} documents failed: {result.Failed[0].Reason}");
    }

    Report($"cluster, {nodes} node(s), {replicas} cop{(replicas == 1 ? "y" : "ies")}", result.Added, elapsed, result.Chunks, string.Join(" ", result.PerNode.Select(p => $"{p.Key}={p.Value}")));

    // Coordination alone: the same documents again, every replica already holding them (no parsing or embedding).
    watch.Restart();
    var again = await gateway.IngestAsync(Corpus(), "pydoc", new ClusterIngestOptions { Parallelism = 1 });
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    unchanged re-send, one at a time: {again.Unchanged} documents, {watch.Elapsed.TotalMilliseconds / Math.Max(1, again.Unchanged):0.00} ms per document"));

    await client.StopAsync();
    foreach (var silo in silos.AsEnumerable().Reverse())
    {
        await silo.StopAsync();
        silo.Dispose();
    }
}

// Retrieval quality: the project's 40 questions over the corpus, one local knowledge base against a 3-node cluster
// with 2 copies of each document, per search mode.
if (mode is "all" or "quality")
{
    var questions = await PluginAI.Runtime.Evaluation.RetrievalQuestionReader.ReadAsync(
        typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RetrievalQuestions").Value!);
    var single = new MemoryDocumentSource("pydoc");
    foreach (var file in files)
    {
        single.Add(Path.GetFileName(file), File.ReadAllBytes(file), "text/markdown");
    }

    await using var services = new ServiceCollection().AddPluginAI(o => Configure(o, Path.Combine(root, "quality-local"))).BuildServiceProvider();
    await services.GetRequiredService<IngestionService>().IngestAsync("quality", single);
    await using var session = await services.GetRequiredService<PluginAI.Runtime.Knowledge.KnowledgeBaseService>().OpenAsync("quality");

    var silos = new List<IHost>();
    var primary = FreePort();
    for (var i = 0; i < 3; i++)
    {
        var settings = new ClusterNodeSettings { Name = $"q-{i}", Primary = i == 0 ? null : $"127.0.0.1:{primary}", SiloPort = i == 0 ? primary : FreePort(), GatewayPort = FreePort(), ClusterId = "bench-quality" };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Services.AddPluginAI(o => Configure(o, Path.Combine(root, settings.Name)));
        builder.UseOrleans(silo => silo.UsePluginAINode(settings));
        var host = builder.Build();
        await host.StartAsync();
        silos.Add(host);
    }

    var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    clientBuilder.Logging.SetMinimumLevel(LogLevel.Error);
    clientBuilder.UseOrleansClient(c => c.UsePluginAICluster($"127.0.0.1:{silos[0].Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().GatewayAddress!.Endpoint.Port}", clusterId: "bench-quality"));
    using var client = clientBuilder.Build();
    await client.StartAsync();
    var gateway = new ClusterGateway(client.Services.GetRequiredService<IClusterClient>());
    await WaitForMembersAsync(gateway, 3);
    await gateway.IngestAsync(single, "quality");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"retrieval quality, {questions.Count} questions (tests/data/retrieval/questions.tsv), hit@1 / hit@5, and passages in the same order as the local base (top 5)"));
    foreach (var searchMode in new[] { PluginAI.Retrieval.SearchMode.Vector, PluginAI.Retrieval.SearchMode.Keyword, PluginAI.Retrieval.SearchMode.Hybrid })
    {
        int localHit1 = 0, localHit5 = 0, clusterHit1 = 0, clusterHit5 = 0, sameOrder = 0, sameTop = 0;
        var localTimes = new List<double>();
        var clusterTimes = new List<double>();
        foreach (var question in questions)
        {
            var timer = Stopwatch.StartNew();
            var local = await PluginAI.Runtime.Knowledge.SearchService.SearchSessionAsync(session, new PluginAI.Runtime.Knowledge.SearchRequest { Query = question.Question, Top = 5, Mode = searchMode, KnowledgeBase = "quality" });
            localTimes.Add(timer.Elapsed.TotalMilliseconds);
            timer.Restart();
            var merged = await gateway.SearchAsync("quality", question.Question, 5, searchMode);
            clusterTimes.Add(timer.Elapsed.TotalMilliseconds);
            bool Hit(IReadOnlyList<PluginAI.Retrieval.RetrievedPassage> passages, int k) => passages.Take(k).Any(p => question.Sources.Contains(p.SourcePath, StringComparer.Ordinal));
            localHit1 += Hit(local, 1) ? 1 : 0;
            localHit5 += Hit(local, 5) ? 1 : 0;
            clusterHit1 += Hit(merged, 1) ? 1 : 0;
            clusterHit5 += Hit(merged, 5) ? 1 : 0;
            sameOrder += local.Select(p => (p.SourcePath, p.ChunkIndex)).SequenceEqual(merged.Select(p => (p.SourcePath, p.ChunkIndex))) ? 1 : 0;
            sameTop += local.Count > 0 && merged.Count > 0 && local[0].SourcePath == merged[0].SourcePath && local[0].ChunkIndex == merged[0].ChunkIndex ? 1 : 0;
        }

        double N(int n) => (double)n / questions.Count;
        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {searchMode,-8} local {N(localHit1):0.000} / {N(localHit5):0.000}   cluster {N(clusterHit1):0.000} / {N(clusterHit5):0.000}   same first passage {sameTop}/{questions.Count}, same top 5 in order {sameOrder}/{questions.Count}   median ms local {Median(localTimes):0.0}, cluster {Median(clusterTimes):0.0}"));
    }

    await client.StopAsync();
    foreach (var silo in silos.AsEnumerable().Reverse())
    {
        await silo.StopAsync();
        silo.Dispose();
    }
}

try
{
    Directory.Delete(root, recursive: true);
}
catch (IOException)
{
}

static void Report(string what, int added, TimeSpan elapsed, long chunks, string extra = "") =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-32} {added,4} documents {chunks,5} chunks {elapsed.TotalSeconds,7:0.00} s {added / elapsed.TotalSeconds,7:0.00} documents/s {elapsed.TotalMilliseconds / Math.Max(1, added),8:0.0} ms/document {extra}"));

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static async Task WaitForMembersAsync(ClusterGateway gateway, int nodes)
{
    var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
    while ((await gateway.GetStatusAsync()).Count(s => s.State == "active") < nodes)
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException($"the cluster did not reach {nodes} active nodes");
        }

        await Task.Delay(250);
    }
}

internal sealed partial class Program;
