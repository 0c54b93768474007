using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using PluginAI.Hardware;
using PluginAI.TestSupport;
using PluginAI.Trust;

namespace PluginAI.Registry.Server.Tests;

/// <summary>Model packages pushed to the registry server, served by its feed and pulled by the plugin installer's model pull.</summary>
public sealed class ModelPackageServerTests : IDisposable
{
    private const string Id = "Acme.TinyStories";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pluginai-registry-models", Guid.NewGuid().ToString("N"));

    public ModelPackageServerTests()
    {
        Directory.CreateDirectory(_root);
        TinyLlamaModel.Write(ModelPath, new TinyLlamaModelOptions());
    }

    private string ModelPath => Path.Combine(_root, "tiny.gguf");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Push_SignedModelPackage_ThenPull_FromTheRegistry_VerifiesTheModel_AndSurvivesARebuiltDatabase()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var key = SigningKey.Create("acme");
        await registry.PushOkAsync(await BuildAsync("1.0.0", key));

        using (var search = await registry.GetJsonAsync("v3/search?q=TinyStories"))
        {
            Assert.Equal(0, search.RootElement.GetProperty("totalHits").GetInt32());
        }

        await PullAndCheckAsync(registry, key);

        await registry.RestartAsync(() =>
        {
            foreach (var file in Directory.GetFiles(registry.Options.PackagesDirectory!, "registry.db*"))
            {
                File.Delete(file);
            }
        });

        await PullAndCheckAsync(registry, key);
        using var squatter = SigningKey.Create("squatter");
        using var refused = await registry.PushAsync(await BuildAsync("1.1.0", squatter));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Pull_FromARegistryWithASignedIndex_ChecksTheModelPackageAgainstTheIndex()
    {
        using var registryKey = SigningKey.Create("registry");
        await using var registry = await TestRegistry.StartAsync(o => o.SignIndex = payload => SignedEnvelope.Sign(SignedEnvelope.IndexPayloadType, payload.Span, registryKey).ToJson());
        using var key = SigningKey.Create("acme");
        var package = await BuildAsync("1.0.0", key);
        await registry.PushOkAsync(package);

        var envelope = SignedEnvelope.Parse(await registry.Client.GetByteArrayAsync("pluginai/v1/index.json"), "index.json");
        using (var index = System.Text.Json.JsonDocument.Parse(envelope.Payload))
        {
            var entry = Assert.Single(index.RootElement.GetProperty("packages").EnumerateArray());
            Assert.Equal(Id, entry.GetProperty("id").GetString());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(package)), entry.GetProperty("sha256").GetString());
        }

        await PullAndCheckAsync(registry, key, registryKey);
    }

    [Fact]
    public async Task Push_ModelPackageWithATamperedModelFile_IsRefusedWith400()
    {
        await using var registry = await TestRegistry.StartAsync(o => o.PushValidators = [new ContentPushValidator(new TrustPolicy(), requireTrustedSignature: false)]);
        using var key = SigningKey.Create("acme");
        var package = await BuildAsync("1.0.0", key);
        var tampered = Rewrite(package, zip =>
        {
            var entry = zip.Entries.Single(e => e.FullName.StartsWith("model/", StringComparison.Ordinal));
            var name = entry.FullName;
            using var buffer = new MemoryStream();
            using (var stream = entry.Open())
            {
                stream.CopyTo(buffer);
            }

            entry.Delete();
            var bytes = buffer.ToArray();
            bytes[^1] ^= 0x01;
            using var write = zip.CreateEntry(name).Open();
            write.Write(bytes);
        });

        using var response = await registry.PushAsync(tampered);
        var reason = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("tiny.gguf", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_PackageWithBothManifests_IsRefusedWith400()
    {
        await using var registry = await TestRegistry.StartAsync();
        var package = await BuildAsync("1.0.0", key: null);
        var both = Rewrite(package, zip =>
        {
            using var write = new StreamWriter(zip.CreateEntry("pluginai.json").Open());
            write.Write(TestPackages.Manifest(Id, "1.0.0"));
        });

        using var response = await registry.PushAsync(both);
        var reason = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("both pluginai.json and pluginai-model.json", reason, StringComparison.Ordinal);
    }

    private static byte[] Rewrite(byte[] package, Action<ZipArchive> change)
    {
        using var buffer = new MemoryStream();
        buffer.Write(package);
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            change(zip);
        }

        return buffer.ToArray();
    }

    private async Task<byte[]> BuildAsync(string version, SigningKey? key)
    {
        var output = Path.Combine(_root, "out", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(output);
        var (path, _) = await ModelPackageBuilder.BuildAsync(ModelPath, Id, version, output, key);
        return await File.ReadAllBytesAsync(path);
    }

    private async Task PullAndCheckAsync(TestRegistry registry, SigningKey key, SigningKey? registryKey = null)
    {
        var home = Path.Combine(_root, "home", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(home, "models"));
        var policy = new TrustPolicy();
        policy.Trust(key, KeyRole.Publisher);
        if (registryKey is not null)
        {
            policy.Trust(registryKey, KeyRole.Registry);
        }

        policy.Save(Path.Combine(home, TrustPolicy.FileName));
        var settings = PackageSourceSettings.Load(home);
        settings.RemoveSource(PackageSourceSettings.LocalSourceName);
        settings.AddSource("registry", registry.Server.ServiceIndexUri.ToString());
        var installer = new PluginInstaller(new PluginAIPaths(home), new RegistryClient(settings, new PackageManifestCache()), new PluginInstallerOptions { RequireSignedIndex = registryKey is not null });

        var pulled = await installer.PullModelAsync(Id, null, m => Path.Combine(home, "models", m.File));

        Assert.Equal("1.0.0", pulled.Version);
        Assert.Equal("registry", pulled.SourceName);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(ModelPath))), Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(pulled.Path))));
    }
}
