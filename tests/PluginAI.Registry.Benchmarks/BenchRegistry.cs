using System.Diagnostics;
using System.Globalization;
using System.Text;
using PluginAI.Hardware;
using PluginAI.Registry.Server;
using PluginAI.Trust;

namespace PluginAI.Registry.Benchmarks;

/// <summary>
/// A local registry server holding 1,000 signed plugin packages (500 plugins, versions 1.0.0 and 1.1.0), generated once
/// per process: each package has an entry assembly, a deps file, a native library and a README, 50 to 200 KB packed.
/// </summary>
public sealed class BenchRegistry
{
    public const int Plugins = 500;
    public const string SourceName = "bench";

    /// <summary>Words put into the descriptions, one per plugin in turn, so a one-word search matches 25 plugins.</summary>
    public static readonly string[] Topics =
    [
        "tagger", "summarizer", "translator", "ocr", "redactor", "classifier", "embedder", "reranker", "chunker", "parser",
        "transcriber", "detector", "formatter", "extractor", "scorer", "router", "sanitizer", "indexer", "splitter", "speller",
    ];

    private static readonly string[] s_kinds = ["backend", "preprocessor", "postprocessor", "retriever"];
    private static readonly Lazy<BenchRegistry> s_instance = new(() => CreateAsync().GetAwaiter().GetResult(), LazyThreadSafetyMode.ExecutionAndPublication);

    private BenchRegistry(string root, RegistryServerHandle server, SigningKey publisher, SigningKey registry, TrustPolicy policy)
    {
        Root = root;
        Server = server;
        Publisher = publisher;
        RegistryKey = registry;
        Policy = policy;
    }

    public static BenchRegistry Instance => s_instance.Value;

    public string Root { get; }

    public RegistryServerHandle Server { get; }

    public SigningKey Publisher { get; }

    public SigningKey RegistryKey { get; }

    /// <summary>Trusts the publisher and the registry key.</summary>
    public TrustPolicy Policy { get; }

    public string PackagesDirectory => Path.Combine(Root, "packages");

    public static HardwareProfile Cpu { get; } = new()
    {
        OperatingSystem = "linux",
        Architecture = "x64",
        RuntimeIdentifier = "linux-x64",
        Cpu = new CpuInfo { ModelName = "Bench CPU", PhysicalCores = 2, LogicalCores = 2, InstructionSets = ["avx", "avx2", "fma"] },
        Memory = new MemoryInfo { TotalBytes = 8L << 30, AvailableBytes = 4L << 30 },
    };

    public static string Id(int i) => $"Bench.Plugin{i:000}";

    public static void Shutdown()
    {
        if (!s_instance.IsValueCreated)
        {
            return;
        }

        var registry = s_instance.Value;
        registry.Server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        try
        {
            Directory.Delete(registry.Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Creates a PluginAI home that trusts the publisher and registry keys and whose only source is the server.</summary>
    public string CreateHome()
    {
        var home = Path.Combine(Root, "homes", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        Policy.Save(Path.Combine(home, TrustPolicy.FileName));
        var settings = PackageSourceSettings.Load(home);
        settings.AddSource(SourceName, Server.ServiceIndexUri.ToString());
        settings.RemoveSource(PackageSourceSettings.LocalSourceName);
        return home;
    }

    /// <summary>Writes the plugin folder of one package; the content depends only on the plugin number and version.</summary>
    public static string WritePluginFolder(string parent, int i, string version)
    {
        var id = Id(i);
        var random = new Random((i * 2) + (version == "1.0.0" ? 0 : 1));
        var folder = Path.Combine(parent, $"{id}.{version}");
        Directory.CreateDirectory(Path.Combine(folder, "runtimes", "linux-x64", "native"));

        // Machine code and metadata compress to about three quarters; sizes spread so packages are 50 to 200 KB.
        var assembly = new byte[random.Next(40_000, 170_000)];
        random.NextBytes(assembly);
        for (var b = 0; b < assembly.Length; b++)
        {
            assembly[b] &= 0x3F;
        }

        File.WriteAllBytes(Path.Combine(folder, $"{id}.dll"), assembly);
        var native = new byte[random.Next(8_000, 30_000)];
        random.NextBytes(native);
        File.WriteAllBytes(Path.Combine(folder, "runtimes", "linux-x64", "native", "libbench.so"), native);
        var deps = new StringBuilder("{\n  \"runtimeTarget\": { \"name\": \".NETCoreApp,Version=v10.0\" },\n  \"libraries\": {\n");
        for (var d = 0; d < 40; d++)
        {
            deps.Append(CultureInfo.InvariantCulture, $"    \"Dependency{d}/{random.Next(1, 9)}.{random.Next(0, 20)}.0\": {{ \"type\": \"package\", \"sha512\": \"{Convert.ToBase64String(RandomBytes(random, 48))}\" }},\n");
        }

        deps.Append("    \"end/1.0.0\": {}\n  }\n}\n");
        File.WriteAllText(Path.Combine(folder, $"{id}.deps.json"), deps.ToString());
        var topic = Topics[i % Topics.Length];
        File.WriteAllText(Path.Combine(folder, "README.md"), string.Concat(Enumerable.Repeat($"# {id}\n\nA {topic} for PluginAI. It reads the request, runs the {topic} and writes the result.\n\n", 12)));
        var kind = s_kinds[i % s_kinds.Length];
        File.WriteAllText(Path.Combine(folder, "pluginai.json"), $$"""
            {
              "schemaVersion": 1,
              "id": "{{id}}",
              "version": "{{version}}",
              "displayName": "Bench {{topic}} {{i}}",
              "description": "A {{topic}} plugin, number {{i}}, for the registry benchmark.",
              "authors": ["Bench"],
              "license": "MIT",
              "kinds": ["{{kind}}"],
              "entry": { "assembly": "{{id}}.dll", "type": "Bench.Plugin{{i}}" },
              "hostApi": "[2.0,3.0)"
            }
            """);
        return folder;
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static async Task<BenchRegistry> CreateAsync()
    {
        var watch = Stopwatch.StartNew();
        var root = Directory.CreateTempSubdirectory("pluginai-registry-bench-").FullName;
        var publisher = SigningKey.Create("bench-publisher");
        var registryKey = SigningKey.Create("bench-registry");
        var policy = new TrustPolicy();
        policy.Trust(publisher, KeyRole.Publisher);
        policy.Trust(registryKey, KeyRole.Registry);
        var packages = Path.Combine(root, "packages");
        var work = Path.Combine(root, "work");
        long bytes = 0;
        long smallest = long.MaxValue;
        long largest = 0;
        var gate = new Lock();
        var jobs = Enumerable.Range(0, Plugins).SelectMany(i => new[] { (i, "1.0.0"), (i, "1.1.0") });
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (job, ct) =>
        {
            var (i, version) = job;
            var folder = WritePluginFolder(work, i, version);
            var lowerId = Id(i).ToLowerInvariant();
            var target = Path.Combine(packages, lowerId, version);
            Directory.CreateDirectory(target);
            var built = await PluginPackageBuilder.BuildAsync(folder, Path.Combine(target, $"{lowerId}.{version}.nupkg"), publisher, cancellationToken: ct).ConfigureAwait(false);
            var length = new FileInfo(built.PackagePath).Length;
            Interlocked.Add(ref bytes, length);
            lock (gate)
            {
                (smallest, largest) = (Math.Min(smallest, length), Math.Max(largest, length));
            }

            Directory.Delete(folder, recursive: true);
        }).ConfigureAwait(false);
        var built = watch.Elapsed;

        var serverPolicy = new TrustPolicy();
        serverPolicy.Trust(publisher, KeyRole.Publisher);
        var server = await RegistryServer.StartAsync(new RegistryServerOptions
        {
            PackagesDirectory = packages,
            ApiKeys = ["bench-key"],
            RegistryName = "bench",
            SignIndex = payload => SignedEnvelope.Sign(SignedEnvelope.IndexPayloadType, payload.Span, registryKey).ToJson(),
            PushValidators = [new ContentPushValidator(serverPolicy, requireTrustedSignature: true)],
        }).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// registry: {Plugins * 2} signed packages, {bytes / 1024.0 / (Plugins * 2):F0} KB on average ({smallest / 1024.0:F0} to {largest / 1024.0:F0} KB), built in {built.TotalSeconds:F1} s, indexed and served in {(watch.Elapsed - built).TotalSeconds:F1} s at {server.ServiceIndexUri}"));
        return new BenchRegistry(root, server, publisher, registryKey, policy);
    }
}
