using PluginAI.Hardware;
using PluginAI.Host.Hardware;
using PluginAI.TestSupport;

namespace PluginAI.Host.Tests;

/// <summary>A temporary PluginAI home with plugin folders made from the fixture plugins built for the tests.</summary>
internal sealed class TestHome : IDisposable
{
    public const string SampleAssembly = "PluginAI.TestPlugins.Sample.dll";

    public TestHome()
    {
        Root = Path.Combine(Path.GetTempPath(), "pluginai-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(PluginsDirectory);
    }

    public string Root { get; }

    public string PluginsDirectory => Path.Combine(Root, "plugins");

    public static string FixtureDirectory(string project) => Path.Combine(AppContext.BaseDirectory, "TestPlugins", project);

    /// <summary>Copies a fixture plugin's build output into a plugin folder and writes the given manifest.</summary>
    public string AddPlugin(string folder, string? manifestJson, string fixture = "PluginAI.TestPlugins.Sample", string? subfolder = null)
    {
        var target = Path.Combine(PluginsDirectory, folder);
        CopyDirectory(FixtureDirectory(fixture), subfolder is null ? target : Path.Combine(target, subfolder));
        var manifestPath = Path.Combine(target, "pluginai.json");
        if (manifestJson is null)
        {
            File.Delete(manifestPath);
        }
        else
        {
            File.WriteAllText(manifestPath, manifestJson);
        }

        return target;
    }

    public static string Manifest(string id, string type = "PluginAI.TestPlugins.Sample.TaggingPlugin", string hostApi = "[2.0,3.0)", string kinds = "\"postprocessor\"", string extra = "", string assembly = SampleAssembly, string version = "1.0.0") => $$"""
        {
          "schemaVersion": 1,
          "id": "{{id}}",
          "version": "{{version}}",
          "kinds": [{{kinds}}],
          "entry": { "assembly": "{{assembly}}", "type": "{{type}}" },
          "hostApi": "{{hostApi}}"{{(extra.Length > 0 ? "," + extra : string.Empty)}}
        }
        """;

    public PluginHostOptions Options() => new() { HomeDirectory = Root, IncludeBundledPlugins = false, AllowUnsigned = true };

    public static HardwareProfile CpuOnly(long ramGb = 16, params string[] isas) => TestHardware.CpuOnly(ramGb, isas);

    public static HardwareProfile WithNvidiaGpu(long vramGb = 8, string cuda = "12.4") => TestHardware.WithNvidiaGpu(vramGb, cuda);

    public static IHardwareProbe Probe(HardwareProfile profile) => new StaticHardwareProbe(profile);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }
}
