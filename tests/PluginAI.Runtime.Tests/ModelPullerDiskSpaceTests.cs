using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using PluginAI.Hardware;
using PluginAI.Registry;
using PluginAI.Runtime.Models;
using PluginAI.Runtime.Models.Internal;
using PluginAI.TestSupport;
using PluginAI.Trust;

namespace PluginAI.Runtime.Tests;

/// <summary>
/// The free-space check of a pull, with the free-space probe set below what the model needs: the pull is refused with
/// a message that names the folder and both sizes, before any byte of the model is written.
/// </summary>
public sealed class ModelPullerDiskSpaceTests : IDisposable
{
    private const string FileName = "tiny.Q8_0.gguf";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pluginai-pull-space", Guid.NewGuid().ToString("N"));
    private readonly byte[] _model;
    private readonly HardwareProfile _hardware = new()
    {
        OperatingSystem = "linux",
        Architecture = "x64",
        RuntimeIdentifier = "linux-x64",
        Cpu = new CpuInfo { PhysicalCores = 2, LogicalCores = 2 },
        Memory = new MemoryInfo { TotalBytes = 1L << 33, AvailableBytes = 1L << 32 },
    };

    public ModelPullerDiskSpaceTests()
    {
        Directory.CreateDirectory(Home);
        var path = Path.Combine(_root, FileName);
        TinyLlamaModel.Write(path, new TinyLlamaModelOptions());
        _model = File.ReadAllBytes(path);
    }

    private string Home => Path.Combine(_root, "home");

    private string ModelsFolder => Path.Combine(Home, "models");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task HubPull_NeedingMoreThanIsFree_IsRefusedBeforeTheFileIsRequestedOrAnythingWritten()
    {
        using var hub = new HubHandler(_model, withListing: true);
        var probed = new List<string>();
        var puller = new ModelPuller(new PluginAIPaths(Home), _hardware, hub, freeSpace: folder => { probed.Add(folder); return _model.Length - 1; });

        var ex = await Assert.ThrowsAsync<PluginException>(() => puller.PullAsync(new ModelPullRequest { Source = "hf:test/tiny", HubEndpoint = "http://hub.test" }, null, CancellationToken.None));

        Assert.Equal("pull.disk-full", ex.ErrorCode);
        Assert.Contains($"{ModelsFolder}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("free, but the model needs", ex.Message, StringComparison.Ordinal);
        Assert.Contains("free some space or use another home (--home)", ex.Message, StringComparison.Ordinal);
        Assert.Equal([ModelsFolder], probed.Distinct());
        Assert.Equal(["/api/models/test/tiny/tree/main"], hub.Requests);
        Assert.Empty(Directory.GetFileSystemEntries(ModelsFolder));
        Assert.Empty(new ModelRegistry(new PluginAIPaths(Home)).List());
    }

    [Fact]
    public async Task HubPull_WithEnoughSpace_Downloads_TheProbeIsWhatDecides()
    {
        using var hub = new HubHandler(_model, withListing: true);
        var puller = new ModelPuller(new PluginAIPaths(Home), _hardware, hub, freeSpace: _ => _model.Length);

        var result = await puller.PullAsync(new ModelPullRequest { Source = "hf:test/tiny", HubEndpoint = "http://hub.test" }, null, CancellationToken.None);

        Assert.Equal(_model, await File.ReadAllBytesAsync(result.Path));
        Assert.Contains($"/test/tiny/resolve/main/{FileName}", hub.Requests);
    }

    [Fact]
    public async Task UrlPull_OfUnknownSize_IsRefusedWhenTheServerGivesTheSize_AndLeavesNoPartialFile()
    {
        using var server = new HubHandler(_model, withListing: false);
        var puller = new ModelPuller(new PluginAIPaths(Home), _hardware, server, freeSpace: _ => 100);
        var request = new ModelPullRequest { Source = $"http://files.test/{FileName}", Sha256 = Convert.ToHexStringLower(SHA256.HashData(_model)) };

        var ex = await Assert.ThrowsAsync<PluginException>(() => puller.PullAsync(request, null, CancellationToken.None));

        Assert.Equal("pull.disk-full", ex.ErrorCode);
        Assert.Contains("free, but the model needs", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(ModelsFolder));
        Assert.Empty(new ModelRegistry(new PluginAIPaths(Home)).List());
    }

    [Fact]
    public async Task PackagePull_NeedingMoreThanIsFree_IsRefusedBeforeTheModelFileIsExtracted()
    {
        var feed = Path.Combine(Home, "feed");
        await ModelPackageBuilder.BuildAsync(Path.Combine(_root, FileName), "Acme.Tiny", "1.0.0", feed + Path.DirectorySeparatorChar);
        var paths = new PluginAIPaths(Home);
        var installer = new PluginInstaller(paths, new RegistryClient(PackageSourceSettings.Load(Home)), new PluginInstallerOptions { AllowUnsigned = true, TrustPolicy = new TrustPolicy() });
        var puller = new ModelPuller(paths, _hardware, packages: installer, freeSpace: _ => _model.Length - 1);

        var ex = await Assert.ThrowsAsync<PluginException>(() => puller.PullAsync(new ModelPullRequest { Source = "pkg:Acme.Tiny" }, null, CancellationToken.None));

        Assert.Equal("pull.disk-full", ex.ErrorCode);
        Assert.Contains("free, but the model needs", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(ModelsFolder));
        Assert.Empty(new ModelRegistry(paths).List());

        var pulled = await new ModelPuller(paths, _hardware, packages: installer, freeSpace: _ => _model.Length).PullAsync(new ModelPullRequest { Source = "pkg:Acme.Tiny" }, null, CancellationToken.None);
        Assert.Equal(_model, await File.ReadAllBytesAsync(pulled.Path));
        Assert.False(pulled.Verified);
    }

    /// <summary>Serves a hub listing with the file's size and LFS SHA-256, and the file; records every request's path.</summary>
    private sealed class HubHandler(byte[] model, bool withListing) : HttpMessageHandler
    {
        private readonly ConcurrentQueue<string> _requests = new();

        public IReadOnlyList<string> Requests => [.. _requests];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            _requests.Enqueue(path);
            if (withListing && path == "/api/models/test/tiny/tree/main")
            {
                var sha = Convert.ToHexStringLower(SHA256.HashData(model));
                var json = $$"""[{ "type": "file", "path": "{{FileName}}", "size": {{model.Length}}, "lfs": { "oid": "{{sha}}", "size": {{model.Length}} } }]""";
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
            }

            if (path.EndsWith("/" + FileName, StringComparison.Ordinal))
            {
                var content = new ByteArrayContent(model);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("{}", Encoding.UTF8, "application/json") });
        }
    }
}
