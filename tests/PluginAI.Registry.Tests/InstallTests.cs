using PluginAI.Manifest;
using PluginAI.Trust;

namespace PluginAI.Registry.Tests;

public sealed class InstallTests : IDisposable
{
    private readonly RegistryFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task A_cuda_machine_gets_the_cuda12_build_and_a_cpu_machine_the_base_build()
    {
        await _f.PublishAsync("Acme.Llama", "1.0.0", cuda: true);

        var gpu = await _f.Installer.InstallAsync("Acme.Llama", null, RegistryFixture.WithNvidiaGpu());
        Assert.Equal("cuda12", gpu.Plugin.Variant);
        Assert.Contains(gpu.Explanation, l => l.Contains("variant cuda12: fits this machine → chosen", StringComparison.Ordinal));
        var folder = Path.Combine(_f.Plugins, "Acme.Llama", "1.0.0");
        Assert.Equal(folder, gpu.Plugin.Directory);
        Assert.True(File.Exists(Path.Combine(folder, "cuda12", "Acme.Llama.dll")));
        Assert.Equal("1.0.0", File.ReadAllText(Path.Combine(_f.Plugins, "Acme.Llama", "current")).Trim());
        Assert.Equal(_f.Key.KeyId, gpu.Plugin.PublisherKeyId);
        Assert.Equal("local", gpu.Plugin.Source);

        var cpu = await _f.Installer.InstallAsync("Acme.Llama", null, RegistryFixture.CpuOnly());
        Assert.Null(cpu.Plugin.Variant);
        Assert.Contains(cpu.Explanation, l => l.Contains("variant cuda12: it needs a nvidia GPU with CUDA 12.0 or later; no nvidia GPU was found → skipped", StringComparison.Ordinal));
        Assert.Contains(cpu.Explanation, l => l.Contains("base (cpu) build: fits this machine → chosen", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(folder, "cuda12")));
        Assert.True(File.Exists(Path.Combine(folder, "Acme.Llama.dll")));

        var receipt = File.ReadAllText(Path.Combine(folder, InstallReceipt.FileName));
        Assert.Contains("\"packageSha256\"", receipt, StringComparison.Ordinal);
        Assert.Contains("\"publisherKeyId\": \"" + _f.Key.KeyId, receipt, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(_f.Plugins, ".staging")));
    }

    [Fact]
    public async Task The_newest_compatible_version_wins_over_a_newer_incompatible_one()
    {
        await _f.PublishAsync("Acme.Tagger", "1.0.0");
        await _f.PublishAsync("Acme.Tagger", "1.5.0");
        await _f.PublishAsync("Acme.Tagger", "2.0.0", hostApi: "[3.0,4.0)");

        var resolution = await PluginResolver.ResolveAsync(_f.Client, "Acme.Tagger", null, RegistryFixture.CpuOnly());
        Assert.Equal("1.5.0", resolution.Package!.Version.ToNormalizedString());
        Assert.StartsWith("2.0.0 (local): skipped: it is built for plugin API [3.0,4.0), newer than this host's 2.1.0", resolution.Explanation[0], StringComparison.Ordinal);
        Assert.StartsWith("1.5.0 (local): chosen", resolution.Explanation[1], StringComparison.Ordinal);

        var exact = await _f.Installer.InstallAsync("Acme.Tagger", "1.0.0", RegistryFixture.CpuOnly());
        Assert.Equal("1.0.0", exact.Plugin.Version);
        var refused = await Assert.ThrowsAsync<RegistryException>(() => _f.Installer.InstallAsync("Acme.Tagger", "[2.0,3.0)", RegistryFixture.CpuOnly()));
        Assert.Contains("1.5.0 (local): skipped: outside the requested versions [2.0,3.0)", refused.Message, StringComparison.Ordinal);

        var update = await _f.Installer.UpdateAsync("Acme.Tagger", RegistryFixture.CpuOnly());
        Assert.True(update.Updated);
        Assert.Equal("1.5.0", update.Install!.Plugin.Version);
        Assert.Equal("1.0.0", update.Install.PreviousVersion);
        Assert.False(Directory.Exists(Path.Combine(_f.Plugins, "Acme.Tagger", "1.0.0")));

        var again = await _f.Installer.UpdateAsync("Acme.Tagger", RegistryFixture.CpuOnly());
        Assert.False(again.Updated);
    }

    [Fact]
    public async Task A_failed_update_leaves_the_previous_version_working()
    {
        await _f.PublishAsync("Acme.Tagger", "1.0.0");
        await _f.Installer.InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly());
        var broken = await _f.PublishAsync("Acme.Tagger", "1.1.0");
        RegistryFixture.EditPackage(broken, zip => RegistryFixture.ReplaceEntry(zip, "plugin/runtimes/native lib.so", b => [.. b, 0]));

        await Assert.ThrowsAsync<TrustException>(() => _f.Installer.UpdateAsync("Acme.Tagger", RegistryFixture.CpuOnly()));

        var installed = Assert.Single(_f.Installer.List());
        Assert.Equal("1.0.0", installed.Version);
        Assert.Null(installed.Problem);
        Assert.True(File.Exists(Path.Combine(installed.Directory, "Acme.Tagger.dll")));
        Assert.False(Directory.Exists(Path.Combine(_f.Plugins, "Acme.Tagger", "1.1.0")));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(_f.Plugins, ".staging")));
    }

    [Fact]
    public async Task A_folder_source_names_the_package_it_skipped_and_why()
    {
        var package = await _f.PublishAsync("Acme.Tagger", "1.0.0");
        RegistryFixture.EditPackage(package, zip => RegistryFixture.AddEntry(zip, "plugin/../../escape.dll", "x"));
        var byPath = await Assert.ThrowsAnyAsync<Exception>(() => _f.Installer.InstallPackageFileAsync(package, RegistryFixture.CpuOnly()));

        var byId = await Assert.ThrowsAsync<RegistryException>(() => _f.Installer.InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly()));

        Assert.Contains("no source has this plugin", byId.Message, StringComparison.Ordinal);
        Assert.Contains($"source 'local': skipped {package}: ", byId.Message, StringComparison.Ordinal);
        Assert.Contains("escape.dll", byId.Message, StringComparison.Ordinal);
        Assert.Contains(byPath.Message.Split(": ", 2)[^1], byId.Message, StringComparison.Ordinal);
        Assert.Empty(_f.Installer.List());
    }

    [Fact]
    public async Task A_crash_leaves_staging_that_the_next_run_cleans()
    {
        var leftover = Path.Combine(_f.Plugins, ".staging", "Acme.Tagger-deadbeef");
        Directory.CreateDirectory(leftover);
        File.WriteAllText(Path.Combine(leftover, "half.dll"), "x");
        await _f.PublishAsync("Acme.Tagger", "1.0.0");

        await _f.Installer.InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly());

        Assert.False(Directory.Exists(leftover));
        Assert.Single(_f.Installer.List());
    }

    [Fact]
    public async Task List_and_remove()
    {
        await _f.PublishAsync("Acme.Tagger", "1.0.0");
        await _f.PublishAsync("Acme.Llama", "3.0.0", cuda: true);
        await _f.Installer.InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly());
        await _f.Installer.InstallAsync("acme.llama", null, RegistryFixture.WithNvidiaGpu());

        var list = _f.Installer.List();
        Assert.Equal(["Acme.Llama", "Acme.Tagger"], list.Select(p => p.Id));
        Assert.Equal("cuda12", list[0].Variant);
        Assert.Equal("test-publisher", list[0].PublisherName);

        Assert.True(_f.Installer.Remove("ACME.TAGGER"));
        Assert.False(_f.Installer.Remove("Acme.Tagger"));
        Assert.Equal(["Acme.Llama"], _f.Installer.List().Select(p => p.Id));
        Assert.False(Directory.Exists(Path.Combine(_f.Plugins, "Acme.Tagger")));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(_f.Plugins, ".trash")));
    }

    [Fact]
    public async Task Search_filters_by_kind_and_compatibility()
    {
        await _f.PublishAsync("Acme.Tagger", "1.0.0");
        await _f.PublishAsync("Acme.Llama", "1.0.0", cuda: true, kinds: "\"backend\"");
        await _f.PublishAsync("Acme.Future", "1.0.0", hostApi: "[3.0,4.0)", kinds: "\"backend\"");
        var cpu = RegistryFixture.CpuOnly();

        var all = await _f.Client.SearchAsync(null, null, compatibleOnly: false, certifiedOnly: false, cpu);
        Assert.Empty(all.Warnings);
        Assert.Equal(["Acme.Future", "Acme.Llama", "Acme.Tagger"], all.Results.Select(r => r.Id));
        var future = all.Results[0];
        Assert.False(future.Compatible);
        Assert.Contains("plugin API [3.0,4.0)", Assert.Single(future.Problems), StringComparison.Ordinal);
        Assert.Equal(CertificationStatus.Unknown, future.Certified);
        Assert.Equal("local", future.Source);

        var backends = await _f.Client.SearchAsync(null, PluginKind.Backend, compatibleOnly: true, certifiedOnly: false, cpu);
        Assert.Equal(["Acme.Llama"], backends.Results.Select(r => r.Id));
        var term = await _f.Client.SearchAsync("tagger", null, compatibleOnly: false, certifiedOnly: false, cpu);
        Assert.Equal(["Acme.Tagger"], term.Results.Select(r => r.Id));
        var certified = await _f.Client.SearchAsync(null, null, compatibleOnly: false, certifiedOnly: true, cpu);
        Assert.Empty(certified.Results);
    }

    [Fact]
    public async Task Search_of_many_packages_reads_each_package_once()
    {
        var first = await _f.PublishAsync("Acme.P000", "1.0.0");
        for (var i = 1; i < 200; i++)
        {
            File.Copy(first, Path.Combine(_f.Feed, $"Copy{i:000}.nupkg"));
        }

        var cache = new PackageManifestCache();
        var client = new RegistryClient(_f.Settings, cache);
        await client.SearchAsync(null, null, false, false, RegistryFixture.CpuOnly());
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var again = await client.SearchAsync(null, null, false, false, RegistryFixture.CpuOnly());
        watch.Stop();
        Assert.Equal(200, cache.Count);
        Assert.Single(again.Results);
        Assert.True(watch.ElapsedMilliseconds < 2000, $"a cached search of 200 packages took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Sources_default_to_the_local_feed_and_the_sample_feed_and_can_be_edited()
    {
        var sample = Directory.CreateDirectory(Path.Combine(_f.Root, "sample-feed")).FullName;
        var settings = PackageSourceSettings.Load(_f.Home, sample);
        Assert.Equal(["local", "sample"], settings.Sources.Select(s => s.Name));
        Assert.False(File.Exists(settings.ConfigPath));

        settings.AddSource("corp", "https://registry.example.com/v3/index.json", "alice", "s3cret", apiKey: "key-123");
        var corp = settings.Get("corp");
        Assert.False(corp.IsLocal);
        Assert.True(corp.HasCredentials);
        Assert.True(corp.HasApiKey);
        Assert.Equal(["local", "sample", "corp"], settings.Sources.Select(s => s.Name));
        var xml = File.ReadAllText(settings.ConfigPath);
        Assert.Contains("<packageSourceCredentials>", xml, StringComparison.Ordinal);
        Assert.Contains("<apikeys>", xml, StringComparison.Ordinal);

        Assert.True(settings.RemoveSource("corp"));
        Assert.False(settings.RemoveSource("corp"));
        Assert.Equal(["local", "sample"], PackageSourceSettings.Load(_f.Home).Sources.Select(s => s.Name));
        Assert.DoesNotContain("s3cret", File.ReadAllText(settings.ConfigPath), StringComparison.Ordinal);
        Assert.Throws<RegistryException>(() => settings.Get("corp"));
    }
}
