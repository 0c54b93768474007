using System.Runtime.Intrinsics.X86;
using System.Text.Json;

namespace PluginAI.Cli.Tests;

public sealed class DoctorCommandTests : IDisposable
{
    private readonly string _home = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pluginai-cli", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public async Task DoctorJson_ReportsThisMachineAndTheBundledPluginAsLoaded()
    {
        var (exit, output, error) = await PluginAICli.RunAsync(_home, "doctor", "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(_home, root.GetProperty("home").GetString());
        var hardware = root.GetProperty("hardware");
        Assert.Equal(Environment.ProcessorCount, hardware.GetProperty("cpu").GetProperty("logicalCores").GetInt32());
        var isas = hardware.GetProperty("cpu").GetProperty("instructionSets").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(Avx2.IsSupported, isas.Contains("avx2"));
        Assert.True(hardware.GetProperty("memory").GetProperty("totalBytes").GetInt64() > 0);
        var redaction = root.GetProperty("plugins").EnumerateArray().Single(p => p.GetProperty("id").GetString() == "PluginAI.Redaction");
        Assert.Equal("loaded", redaction.GetProperty("status").GetString());
        Assert.Equal("bundled", redaction.GetProperty("source").GetString());
    }

    [Fact]
    public async Task PluginInTheHomeWithABundledId_IsShownOverridingItInListAndDoctor()
    {
        var bundled = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(PluginAICli.Path)!, "plugins", "PluginAI.Redaction");
        var copy = System.IO.Path.Combine(_home, "plugins", "PluginAI.Redaction");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(bundled, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(copy, System.IO.Path.GetRelativePath(bundled, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var (exit, output, error) = await PluginAICli.RunAsync(_home, "plugins", "list", "--allow-unsigned");
        Assert.True(exit == 0, error);
        Assert.Contains("overrides the bundled plugin in", output, StringComparison.Ordinal);

        (exit, output, error) = await PluginAICli.RunAsync(_home, "doctor", "--json", "--allow-unsigned");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var records = json.RootElement.GetProperty("plugins").EnumerateArray().Where(p => p.GetProperty("id").GetString() == "PluginAI.Redaction").ToList();
        var home = Assert.Single(records, p => p.GetProperty("source").GetString() == "home");
        Assert.Equal("loaded", home.GetProperty("status").GetString());
        Assert.Equal(bundled, home.GetProperty("overrides").GetString());
        var shadowed = Assert.Single(records, p => p.GetProperty("source").GetString() == "bundled");
        Assert.Contains("overridden by the plugin with the same id", shadowed.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_WarnsWhenThePluginsFolderAPluginFileOrTheTrustPolicyIsWritableByOthers()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var (exit, output, error) = await PluginAICli.RunAsync(_home, "doctor", "--json");
        Assert.True(exit == 0, error);
        using (var clean = JsonDocument.Parse(output))
        {
            Assert.Empty(clean.RootElement.GetProperty("warnings").EnumerateArray());
        }

        var plugins = System.IO.Path.Combine(_home, "plugins");
        var plugin = System.IO.Path.Combine(plugins, "Acme.Open");
        Directory.CreateDirectory(plugin);
        var manifest = System.IO.Path.Combine(plugin, "pluginai.json");
        await File.WriteAllTextAsync(manifest, "{}");
        var trust = System.IO.Path.Combine(_home, "trust.json");
        await File.WriteAllTextAsync(trust, """{ "format": "pluginai-trust/1", "allowUnsigned": false, "requireCertified": false, "keys": [] }""");
        File.SetUnixFileMode(plugins, (UnixFileMode)Convert.ToInt32("777", 8));
        File.SetUnixFileMode(manifest, (UnixFileMode)Convert.ToInt32("666", 8));
        File.SetUnixFileMode(trust, (UnixFileMode)Convert.ToInt32("664", 8));

        (exit, output, error) = await PluginAICli.RunAsync(_home, "doctor", "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var warnings = json.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToList();
        Assert.Contains(warnings, w => w.StartsWith($"the plugins folder {plugins} is writable by other users (mode 777)", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith($"the trust policy {trust} is writable by other users (mode 664)", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith($"plugin Acme.Open: 1 file is writable by other users, such as {manifest} (mode 666)", StringComparison.Ordinal) && w.Contains($"chmod -R go-w {plugin}", StringComparison.Ordinal));

        (exit, output, error) = await PluginAICli.RunAsync(_home, "doctor");
        Assert.True(exit == 0, error);
        Assert.Contains("warning:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_TableExplainsWhyAPluginIsIncompatible()
    {
        var plugin = System.IO.Path.Combine(_home, "plugins", "needs-gpu");
        Directory.CreateDirectory(plugin);
        await File.WriteAllTextAsync(System.IO.Path.Combine(plugin, "pluginai.json"), """
            { "id": "Acme.CudaOnly", "version": "1.0.0", "kinds": ["backend"],
              "entry": { "assembly": "Acme.CudaOnly.dll", "type": "Acme.CudaOnly.Plugin" }, "hostApi": "[2.0,3.0)",
              "requirements": { "accelerators": [ { "type": "gpu", "api": "cuda", "minApiVersion": "12.0" } ] } }
            """);
        var profile = System.IO.Path.Combine(_home, "cpu-only.json");
        await File.WriteAllTextAsync(profile, """
            { "operatingSystem": "linux", "architecture": "x64", "runtimeIdentifier": "linux-x64",
              "cpu": { "modelName": "Fake 8-core", "physicalCores": 8, "logicalCores": 16, "instructionSets": ["avx2", "fma"] },
              "memory": { "totalBytes": 17179869184, "availableBytes": 8589934592 } }
            """);

        var (exit, output, error) = await PluginAICli.RunAsync(_home, "doctor", "--hardware-profile", profile);

        Assert.True(exit == 0, error);
        Assert.Contains("Fake 8-core", output, StringComparison.Ordinal);
        Assert.Contains("Acme.CudaOnly", output, StringComparison.Ordinal);
        Assert.Contains("incompatible", output, StringComparison.Ordinal);
        Assert.Contains("it needs a GPU with CUDA 12.0 or later; no GPU was found", output, StringComparison.Ordinal);
        Assert.Contains("PluginAI.Redaction", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PluginsListJson_ListsEveryDiscoveredFolderWithReason()
    {
        var broken = System.IO.Path.Combine(_home, "plugins", "broken");
        Directory.CreateDirectory(broken);
        await File.WriteAllTextAsync(System.IO.Path.Combine(broken, "pluginai.json"), "{ \"id\": 42 }");

        var (exit, output, error) = await PluginAICli.RunAsync(_home, "plugins", "list", "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var plugins = json.RootElement.EnumerateArray().ToList();
        var invalid = plugins.Single(p => p.GetProperty("id").GetString() == "broken");
        Assert.Equal("invalid", invalid.GetProperty("status").GetString());
        Assert.Contains("field 'id': expected a package id", invalid.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains(plugins, p => p.GetProperty("id").GetString() == "PluginAI.Redaction" && p.GetProperty("status").GetString() == "loaded");
    }

    [Fact]
    public async Task Doctor_UnreadableHardwareProfile_IsOneClearError()
    {
        var (exit, _, output) = await PluginAICli.RunAsync(_home, "doctor", "--hardware-profile", "/nonexistent/profile.json");

        Assert.Equal(1, exit);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: /nonexistent/profile.json: cannot read the hardware profile", line, StringComparison.Ordinal);
    }
}
