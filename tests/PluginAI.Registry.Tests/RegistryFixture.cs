using System.IO.Compression;
using System.Text;
using PluginAI.Hardware;
using PluginAI.Trust;

namespace PluginAI.Registry.Tests;

/// <summary>A temporary PluginAI home with a local feed, a trusted test publisher key and helpers to make plugin folders and packages.</summary>
internal sealed class RegistryFixture : IDisposable
{
    public const string CudaVariant = """
        "variants": [ { "name": "cuda12", "path": "cuda12", "requirements": { "accelerators": [ { "type": "gpu", "api": "cuda", "minApiVersion": "12.0", "minVramMb": 4096, "vendor": "nvidia" } ] } } ]
        """;

    public RegistryFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "pluginai-registry-tests", Guid.NewGuid().ToString("N"));
        Home = Path.Combine(Root, "home");
        Directory.CreateDirectory(Home);
        Key = SigningKey.Create("test-publisher");
        Policy = new TrustPolicy();
        Policy.Trust(Key, KeyRole.Publisher);
        Policy.Save(Path.Combine(Home, TrustPolicy.FileName));
        Settings = PackageSourceSettings.Load(Home);
        Client = new RegistryClient(Settings, new PackageManifestCache());
        Installer = new PluginInstaller(new PluginAIPaths(Home), Client);
    }

    public string Root { get; }

    public string Home { get; }

    public string Feed => Settings.LocalFeedDirectory;

    public string Plugins => Path.Combine(Home, "plugins");

    public SigningKey Key { get; }

    public TrustPolicy Policy { get; }

    public PackageSourceSettings Settings { get; }

    public RegistryClient Client { get; }

    public PluginInstaller Installer { get; }

    public static HardwareProfile CpuOnly() => new()
    {
        OperatingSystem = "linux",
        Architecture = "x64",
        RuntimeIdentifier = "linux-x64",
        Cpu = new CpuInfo { ModelName = "Test CPU", PhysicalCores = 4, LogicalCores = 8, InstructionSets = ["avx", "avx2", "fma"] },
        Memory = new MemoryInfo { TotalBytes = 16L << 30, AvailableBytes = 8L << 30 },
    };

    public static HardwareProfile WithNvidiaGpu() => CpuOnly() with
    {
        Accelerators =
        [
            new AcceleratorInfo
            {
                Type = AcceleratorType.Gpu,
                Vendor = "nvidia",
                Name = "NVIDIA GeForce RTX 4060",
                MemoryBytes = 8L << 30,
                Apis = [new AcceleratorApiSupport("cuda", "12.4")],
            },
        ],
    };

    public static string ManifestJson(string id, string version, string hostApi = "[2.0,3.0)", string kinds = "\"postprocessor\"", string extra = "") => $$"""
        {
          "schemaVersion": 1,
          "id": "{{id}}",
          "version": "{{version}}",
          "description": "Test plugin {{id}}",
          "authors": ["Tests"],
          "license": "MIT",
          "kinds": [{{kinds}}],
          "entry": { "assembly": "{{id}}.dll", "type": "{{id}}.Plugin" },
          "hostApi": "{{hostApi}}"{{(extra.Length > 0 ? "," + extra : string.Empty)}}
        }
        """;

    /// <summary>Writes a plugin folder: the entry assembly, a dependency in a sub-folder, and a cuda12 build when <paramref name="cuda"/> is set.</summary>
    public string MakePluginFolder(string id, string version, string hostApi = "[2.0,3.0)", bool cuda = false, string kinds = "\"postprocessor\"")
    {
        var folder = Path.Combine(Root, "src", $"{id}.{version}.{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(folder, "runtimes"));
        File.WriteAllText(Path.Combine(folder, $"{id}.dll"), $"assembly {id} {version}");
        File.WriteAllText(Path.Combine(folder, "runtimes", "native lib.so"), "native");
        File.WriteAllText(Path.Combine(folder, $"{id}.pdb"), "symbols");
        if (cuda)
        {
            Directory.CreateDirectory(Path.Combine(folder, "cuda12"));
            File.WriteAllText(Path.Combine(folder, "cuda12", $"{id}.dll"), $"cuda assembly {id} {version}");
        }

        File.WriteAllText(Path.Combine(folder, "pluginai.json"), ManifestJson(id, version, hostApi, kinds, cuda ? CudaVariant : string.Empty));
        return folder;
    }

    /// <summary>Packs a plugin folder into the local feed.</summary>
    public async Task<string> PublishAsync(string id, string version, string hostApi = "[2.0,3.0)", bool cuda = false, bool sign = true, SigningKey? key = null, string kinds = "\"postprocessor\"")
    {
        var folder = MakePluginFolder(id, version, hostApi, cuda, kinds);
        Directory.CreateDirectory(Feed);
        var result = await PluginPackageBuilder.BuildAsync(folder, Feed + Path.DirectorySeparatorChar, sign ? key ?? Key : null);
        return result.PackagePath;
    }

    /// <summary>Rewrites a package's entries: <paramref name="edit"/> may delete, replace or add entries.</summary>
    public static void EditPackage(string package, Action<ZipArchive> edit)
    {
        using var zip = ZipFile.Open(package, ZipArchiveMode.Update);
        edit(zip);
    }

    public static void ReplaceEntry(ZipArchive zip, string name, Func<byte[], byte[]> change)
    {
        var entry = zip.Entries.FirstOrDefault(e => PluginPackageLayout.NormalizeEntryName(e.FullName) == name) ?? throw new InvalidOperationException($"no entry {name}");
        byte[] bytes;
        using (var stream = entry.Open())
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            bytes = buffer.ToArray();
        }

        entry.Delete();
        using var target = zip.CreateEntry(entry.FullName).Open();
        target.Write(change(bytes));
    }

    public static void AddEntry(ZipArchive zip, string name, string content, int? unixMode = null)
    {
        var entry = zip.CreateEntry(name);
        if (unixMode is { } mode)
        {
            entry.ExternalAttributes = mode << 16;
        }

        using var stream = entry.Open();
        stream.Write(Encoding.UTF8.GetBytes(content));
    }

    public void Dispose()
    {
        Key.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
