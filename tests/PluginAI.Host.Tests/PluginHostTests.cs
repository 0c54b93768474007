using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text;
using Microsoft.Extensions.AI;
using PluginAI.Runtime.Chat;
using PluginAI.Processing;

namespace PluginAI.Host.Tests;

public sealed class PluginHostTests : IDisposable
{
    private readonly TestHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task Load_LoadsValidPluginAndRunsItsPostprocessor()
    {
        _home.AddPlugin("tagging", TestHome.Manifest("Test.Tagging"));
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));

        var record = Assert.Single(host.Plugins);
        Assert.Equal(PluginStatus.Loaded, record.Status);
        Assert.Null(record.Reason);
        var output = await RunAsync(host, "hello");
        Assert.StartsWith("hello [Test.Tagging newtonsoft=", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_PluginBundlingAnotherVersionOfAHostLibrary_BothVersionsWork()
    {
        _home.AddPlugin("tagging", TestHome.Manifest("Test.Tagging"));
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));

        // The test process (the host) uses Newtonsoft.Json 13; the plugin ships and uses 12.
        var hostJson = Newtonsoft.Json.JsonConvert.SerializeObject(new { ok = true });
        Assert.Equal(13, typeof(Newtonsoft.Json.JsonConvert).Assembly.GetName().Version!.Major);
        var output = await RunAsync(host, "x");
        Assert.Contains("newtonsoft=12.0.0.0", output, StringComparison.Ordinal);
        Assert.Contains(hostJson, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_SkipsPluginBuiltForNewerHostApi_AndSaysWhy()
    {
        _home.AddPlugin("future", TestHome.Manifest("Test.Future", hostApi: "[3.0,4.0)"));
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));

        var record = Assert.Single(host.Plugins);
        Assert.Equal(PluginStatus.Incompatible, record.Status);
        Assert.Contains("plugin API [3.0,4.0)", record.Reason, StringComparison.Ordinal);
        Assert.Contains("update PluginAI", record.Reason, StringComparison.Ordinal);
        Assert.Empty(host.GetPostprocessors());
    }

    [Fact]
    public async Task Load_SkipsPluginNeedingHardwareThisMachineLacks_AndSaysWhy()
    {
        _home.AddPlugin("avx512", TestHome.Manifest("Test.Avx512", extra: "\"requirements\": { \"instructionSets\": [\"avx512f\"], \"minRamMb\": 65536 }"));
        _home.AddPlugin("cuda", TestHome.Manifest("Test.Cuda", extra: "\"requirements\": { \"accelerators\": [{ \"type\": \"gpu\", \"api\": \"cuda\", \"minApiVersion\": \"12.0\" }] }"));
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly(ramGb: 8)));

        var avx = host.FindPlugin("Test.Avx512")!;
        Assert.Equal(PluginStatus.Incompatible, avx.Status);
        Assert.Contains("instruction set avx512f", avx.Reason, StringComparison.Ordinal);
        Assert.Contains("65,536 MiB of RAM; this machine has 8,192 MiB", avx.Reason, StringComparison.Ordinal);
        var cuda = host.FindPlugin("Test.Cuda")!;
        Assert.Equal(PluginStatus.Incompatible, cuda.Status);
        Assert.Contains("GPU with CUDA 12.0 or later; no GPU was found", cuda.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json", "", "not valid JSON at line 1")]
    [InlineData("""{ "id": "X", "version": "1.0.0", "kinds": ["postprocessor"], "hostApi": "[2.0,3.0)" }""", "entry", "the field is missing")]
    [InlineData("""{ "id": "X", "version": 1, "kinds": ["postprocessor"], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "[2.0,3.0)" }""", "version", "found the number 1")]
    [InlineData("""{ "id": "X", "version": "1.0.0", "kinds": ["summarizer"], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "[2.0,3.0)" }""", "kinds[0]", "unknown kind 'summarizer'")]
    [InlineData("""{ "id": "X", "version": "1.0.0", "kinds": ["postprocessor"], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "[2.0,1.0)" }""", "hostApi", "empty version range")]
    public async Task Load_MalformedManifest_IsReportedWithFileAndField_AndOtherPluginsStillLoad(string manifest, string field, string expected)
    {
        _home.AddPlugin("a-bad", manifest);
        _home.AddPlugin("b-good", TestHome.Manifest("Test.Good"));
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));

        var bad = host.Plugins.Single(p => p.Id == "a-bad");
        Assert.Equal(PluginStatus.Invalid, bad.Status);
        Assert.Contains(Path.Combine(_home.PluginsDirectory, "a-bad", "pluginai.json"), bad.Reason, StringComparison.Ordinal);
        if (field.Length > 0)
        {
            Assert.Contains($"field '{field}'", bad.Reason, StringComparison.Ordinal);
        }

        Assert.Contains(expected, bad.Reason, StringComparison.Ordinal);
        Assert.Equal(PluginStatus.Loaded, host.FindPlugin("Test.Good")!.Status);
    }

    [Fact]
    public async Task Load_FolderWithoutManifest_IsReported()
    {
        _home.AddPlugin("no-manifest", manifestJson: null);
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));

        var record = Assert.Single(host.Plugins);
        Assert.Equal(PluginStatus.Invalid, record.Status);
        Assert.Contains("no pluginai.json", record.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PluginAI.TestPlugins.Sample.Missing", "does not exist in PluginAI.TestPlugins.Sample.dll")]
    [InlineData("PluginAI.TestPlugins.Sample.NotAPlugin", "does not implement PluginAI.IPlugin")]
    public async Task Load_EntryTypeMissingOrNotAPlugin_FailsWithReason(string type, string expected)
    {
        _home.AddPlugin("bad-entry", TestHome.Manifest("Test.BadEntry", type: type));
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));

        var record = Assert.Single(host.Plugins);
        Assert.Equal(PluginStatus.Failed, record.Status);
        Assert.Contains("field 'entry.type'", record.Reason, StringComparison.Ordinal);
        Assert.Contains(expected, record.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_EntryAssemblyMissing_FailsWithReason()
    {
        _home.AddPlugin("no-dll", TestHome.Manifest("Test.NoDll", assembly: "Nowhere.dll"));
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));

        var record = Assert.Single(host.Plugins);
        Assert.Equal(PluginStatus.Failed, record.Status);
        Assert.Contains("field 'entry.assembly'", record.Reason, StringComparison.Ordinal);
        Assert.Contains("Nowhere.dll does not exist", record.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_DeclaredKindWithoutImplementation_Fails()
    {
        _home.AddPlugin("nothing", TestHome.Manifest("Test.Nothing", type: "PluginAI.TestPlugins.Sample.RegistersNothingPlugin"));
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));

        var record = Assert.Single(host.Plugins);
        Assert.Equal(PluginStatus.Failed, record.Status);
        Assert.Contains("declares the kind postprocessor", record.Reason, StringComparison.Ordinal);
        Assert.Contains("no implementation of IPostprocessor", record.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_TwoPluginsWithOneId_SecondIsDuplicate()
    {
        var first = _home.AddPlugin("a", TestHome.Manifest("Test.Same"));
        _home.AddPlugin("b", TestHome.Manifest("Test.Same"));
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));

        Assert.Equal(PluginStatus.Loaded, host.Plugins.Single(p => p.Directory.EndsWith("a", StringComparison.Ordinal)).Status);
        var second = host.Plugins.Single(p => p.Directory.EndsWith("b", StringComparison.Ordinal));
        Assert.Equal(PluginStatus.Duplicate, second.Status);
        Assert.Contains($"already loaded from {first}", second.Reason, StringComparison.Ordinal);
        Assert.Single(host.GetPostprocessors());
    }

    [Fact]
    public async Task Load_PluginThrowingInConfigureServices_IsContained_AndOthersLoad()
    {
        _home.AddPlugin("a-throws", TestHome.Manifest("Test.ThrowsOnLoad", type: "PluginAI.TestPlugins.Sample.ThrowsOnLoadPlugin"));
        _home.AddPlugin("b-good", TestHome.Manifest("Test.Good"));
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));

        var failed = host.FindPlugin("Test.ThrowsOnLoad")!;
        Assert.Equal(PluginStatus.Failed, failed.Status);
        Assert.Contains("InvalidOperationException: broken on purpose at load", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(PluginStatus.Loaded, host.FindPlugin("Test.Good")!.Status);
        Assert.Contains("[Test.Good", await RunAsync(host, "ok"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_PluginThrowingMidStream_IsWrappedWithItsId_CountedAndOthersKeepWorking()
    {
        _home.AddPlugin("a-good", TestHome.Manifest("Test.Good"));
        _home.AddPlugin("b-throws", TestHome.Manifest("Test.ThrowsOnCall", type: "PluginAI.TestPlugins.Sample.ThrowsOnCallPlugin"));
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));

        var fault = await Assert.ThrowsAsync<PluginFaultException>(() => RunAsync(host, "boom"));
        Assert.Equal("Test.ThrowsOnCall", fault.PluginId);
        Assert.Equal("IPostprocessor.ProcessAsync", fault.Operation);
        Assert.IsType<InvalidOperationException>(fault.InnerException);
        var record = host.FindPlugin("Test.ThrowsOnCall")!;
        Assert.Equal(1, record.FaultCount);
        Assert.Contains("broken on purpose at call time", record.LastFault, StringComparison.Ordinal);

        var good = host.GetPostprocessors().Single(p => p.Metadata.Name == "tagging");
        var output = await new PostprocessorChain([good]).ProcessTextAsync("still fine", new PostprocessorContext());
        Assert.StartsWith("still fine [Test.Good", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unload_ReleasesTheLoadContext_AndReloadPicksUpTheNewManifest()
    {
        var folder = _home.AddPlugin("tagging", TestHome.Manifest("Test.Reload", version: "1.0.0"));
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));
        var context = CaptureLoadContext(host);

        Assert.True(await host.UnloadAsync("Test.Reload"));
        Assert.Equal(PluginStatus.Unloaded, host.FindPlugin("Test.Reload")!.Status);
        Assert.Empty(host.GetPostprocessors());
        for (var i = 0; i < 20 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(10);
        }

        Assert.False(context.IsAlive, "the plugin's load context was not collected after unload");

        File.WriteAllText(Path.Combine(folder, "pluginai.json"), TestHome.Manifest("Test.Reload", version: "1.1.0"));
        var reloaded = await host.ReloadAsync("Test.Reload");
        Assert.Equal(PluginStatus.Loaded, reloaded.Status);
        Assert.Equal("1.1.0", reloaded.Manifest!.Version.ToString());
        Assert.Contains("[Test.Reload", await RunAsync(host, "again"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_PicksTheFirstVariantThisMachineSupports_AndFallsBackToBase()
    {
        const string Variants = """
            "variants": [
              { "name": "cuda12", "path": "cuda12", "requirements": { "accelerators": [{ "type": "gpu", "api": "cuda", "minApiVersion": "12.0", "minVramMb": 4096 }] } },
              { "name": "vulkan", "path": "vulkan", "requirements": { "accelerators": [{ "type": "gpu", "api": "vulkan" }] } }
            ]
            """;
        var folder = _home.AddPlugin("variants", TestHome.Manifest("Test.Variants", extra: Variants));
        _home.AddPlugin("variants", TestHome.Manifest("Test.Variants", extra: Variants), subfolder: "cuda12");
        _home.AddPlugin("variants", TestHome.Manifest("Test.Variants", extra: Variants), subfolder: "vulkan");

        await using (var gpuHost = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.WithNvidiaGpu())))
        {
            var record = Assert.Single(gpuHost.Plugins);
            Assert.Equal("cuda12", record.Variant);
            Assert.Contains("[Test.Variants/cuda12", await RunAsync(gpuHost, "x"), StringComparison.Ordinal);
        }

        await using (var oldCudaHost = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.WithNvidiaGpu(cuda: "11.8"))))
        {
            var record = Assert.Single(oldCudaHost.Plugins);
            Assert.Equal("vulkan", record.Variant);
            Assert.Contains(record.Details, d => d.Contains("build 'cuda12': not usable: it needs CUDA 12.0 or later; NVIDIA GeForce RTX 4060 offers 11.8", StringComparison.Ordinal));
        }

        await using var cpuHost = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));
        var cpu = Assert.Single(cpuHost.Plugins);
        Assert.Null(cpu.Variant);
        Assert.Equal(PluginStatus.Loaded, cpu.Status);
        Assert.Contains(cpu.Details, d => d == "build 'base': chosen");
        Assert.True(Directory.Exists(folder));
    }

    [Fact]
    public async Task Load_RealRedactionPlugin_RedactsThroughTheChain()
    {
        _home.AddPlugin("redaction", File.ReadAllText(Path.Combine(TestHome.FixtureDirectory("PluginAI.Redaction"), "pluginai.json")), fixture: "PluginAI.Redaction");
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));

        Assert.Equal(PluginStatus.Loaded, host.FindPlugin("PluginAI.Redaction")!.Status);
        var context = new PostprocessorContext();
        var chain = new PostprocessorChain(host.GetPostprocessors());
        var findings = new List<PostprocessorFinding>();
        var output = await Collect(chain.ProcessWithFindingsAsync(Stream("Mail alice@", "example.com or call +49 30 1234", "5678 now."), context, findings));
        Assert.Equal("Mail [EMAIL] or call [PHONE] now.", output);
        Assert.Equal(["pii.email", "pii.phone"], findings.Select(f => f.Code));
    }

    [Fact]
    public async Task Start_BundledPluginsFolder_IsSearchedAfterHome()
    {
        var bundled = Path.Combine(_home.Root, "bundled");
        Directory.CreateDirectory(bundled);
        _home.AddPlugin("tagging", TestHome.Manifest("Test.Tagging"));
        var options = new PluginHostOptions { HomeDirectory = _home.Root, BundledPluginDirectory = bundled, AllowUnsigned = true };
        File.Copy(Path.Combine(_home.PluginsDirectory, "tagging", TestHome.SampleAssembly), Path.Combine(bundled, "ignored.dll"));
        Directory.CreateDirectory(Path.Combine(bundled, "copy"));
        foreach (var file in Directory.GetFiles(Path.Combine(_home.PluginsDirectory, "tagging")))
        {
            File.Copy(file, Path.Combine(bundled, "copy", Path.GetFileName(file)));
        }

        await using var host = await PluginHost.StartAsync(options, TestHome.Probe(TestHome.CpuOnly()));

        Assert.Equal(["home", "bundled"], host.Plugins.Select(p => p.Source));
        Assert.Equal(PluginStatus.Loaded, host.Plugins[0].Status);
        Assert.Equal(PluginStatus.Duplicate, host.Plugins[1].Status);
        Assert.Equal(Path.Combine(bundled, "copy"), host.Plugins[0].Overrides);
        Assert.Contains(host.Plugins[0].Details, d => d.Contains("overrides the bundled plugin 'Test.Tagging'", StringComparison.Ordinal));
        Assert.StartsWith("overridden by the plugin with the same id in ", host.Plugins[1].Reason, StringComparison.Ordinal);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference CaptureLoadContext(PluginHost host)
    {
        var postprocessor = host.GetPostprocessors().Single();
        var inner = typeof(DelegatingPostprocessor).GetProperty("InnerPostprocessor", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(postprocessor)!;
        var pluginType = inner.GetType();
        var context = AssemblyLoadContext.GetLoadContext(pluginType.Assembly);
        Assert.NotNull(context);
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.True(context.IsCollectible);
        return new WeakReference(context);
    }

    private static async Task<string> RunAsync(PluginHost host, string text)
    {
        var chain = new PostprocessorChain(host.GetPostprocessors());
        return await chain.ProcessTextAsync(text, new PostprocessorContext());
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Stream(params string[] parts)
    {
        foreach (var part in parts)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, part);
        }
    }

    private static async Task<string> Collect(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var text = new StringBuilder();
        await foreach (var update in updates)
        {
            text.Append(update.Text);
        }

        return text.ToString();
    }
}
