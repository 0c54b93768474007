using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using PluginAI.TestSupport;

namespace PluginAI.Cli.Tests;

/// <summary>
/// Model packages from the home's local folder feed, through the real command: packed with 'models pack', signed with
/// keys made by 'keys new', pulled with 'models pull pkg:ID', and refused for the reasons a plugin package is.
/// </summary>
public sealed class ModelPackageTests : IDisposable
{
    private const string Id = "Acme.TinyStories";
    private const string FileName = "tiny-stories.Q8_0.gguf";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pluginai-model-packages", Guid.NewGuid().ToString("N"));
    private readonly byte[] _model;

    public ModelPackageTests()
    {
        Directory.CreateDirectory(Home);
        var path = Path.Combine(_root, FileName);
        TinyLlamaModel.Write(path, new TinyLlamaModelOptions { ChatTemplate = TinyLlamaModel.ChatMLTemplate });
        _model = File.ReadAllBytes(path);
    }

    private string Home => Path.Combine(_root, "home");

    private string Feed => Path.Combine(Home, "feed");

    private string ModelsFolder => Path.Combine(Home, "models");

    private string ModelPath => Path.Combine(_root, FileName);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Pull_SignedModelPackage_FromTheFolderSource_IsVerifiedRegistered_AndInfoAndListShowIt()
    {
        await RunOkAsync("keys", "new", "acme", "--trust", "publisher");
        await RunOkAsync("models", "pack", ModelPath, "--id", Id, "--version", "1.0.0", "-o", Feed, "--key", "acme");

        var done = await PullJsonAsync($"pkg:{Id}", "--name", "stories");

        Assert.Equal("stories", done.GetProperty("name").GetString());
        var path = done.GetProperty("path").GetString()!;
        Assert.Equal(Path.Combine(ModelsFolder, FileName), path);
        Assert.Equal(Sha(_model), Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path))));
        Assert.Equal(Sha(_model), done.GetProperty("sha256").GetString());
        Assert.True(done.GetProperty("verified").GetBoolean());
        Assert.StartsWith("acme (", done.GetProperty("publisher").GetString(), StringComparison.Ordinal);
        Assert.Equal($"pkg:{Id}@1.0.0 (source 'local')", done.GetProperty("url").GetString());
        Assert.Contains("matching its size and SHA-256 in the signed manifest", done.GetProperty("choice").GetString(), StringComparison.Ordinal);
        Assert.Equal("cpu", done.GetProperty("plan").GetProperty("device").GetString());
        Assert.Equal([FileName], Directory.GetFiles(ModelsFolder).Select(Path.GetFileName));

        var list = await RunJsonAsync("models", "list", "--json");
        Assert.Contains(list.EnumerateArray(), m => m.GetProperty("name").GetString() == "stories" && m.GetProperty("path").GetString() == path);
        var info = await RunJsonAsync("models", "info", "stories", "--json");
        Assert.Equal(path, info.GetProperty("path").GetString());
        Assert.Equal("llama", info.GetProperty("architecture").GetString());
        Assert.True(info.GetProperty("hasChatTemplate").GetBoolean());
    }

    [Fact]
    public async Task Pull_ModelPackageWithATamperedFile_IsRefusedAsPluginsAre_NothingRegistered_NoFileLeft()
    {
        await RunOkAsync("keys", "new", "acme", "--trust", "publisher");
        await RunOkAsync("models", "pack", ModelPath, "--id", Id, "--version", "1.0.0", "-o", Feed, "--key", "acme");
        var package = Path.Combine(Feed, $"{Id}.1.0.0.nupkg");
        await ReplaceEntryAsync(package, $"model/{FileName}", bytes => bytes[^1] ^= 0x01);

        var (exit, output, error) = await PluginAICli.RunAsync(Home, "models", "pull", $"pkg:{Id}", "--json");

        Assert.Equal(1, exit);
        // The words of a plugin installation's refusal (PluginInstaller): the content does not match the signed manifest.
        Assert.Contains($"{Id.ToLowerInvariant()}.1.0.0.nupkg: refused: its content does not match its manifest", error, StringComparison.Ordinal);
        Assert.Contains($"'model/{FileName}' has SHA-256", error, StringComparison.Ordinal);
        Assert.Contains("the file was altered or corrupted; refused", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\"event\":\"registered\"", output, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(ModelsFolder) ? Directory.GetFileSystemEntries(ModelsFolder) : []);
        Assert.Empty((await RunJsonAsync("models", "list", "--json")).EnumerateArray());
    }

    [Fact]
    public async Task Pull_UnsignedModelPackage_IsRefused_UnlessAllowUnsigned_AsForPlugins()
    {
        await RunOkAsync("models", "pack", ModelPath, "--id", Id, "--version", "1.0.0", "-o", Feed);

        var (exit, _, error) = await PluginAICli.RunAsync(Home, "models", "pull", $"pkg:{Id}");
        Assert.Equal(1, exit);
        Assert.Contains("refused", error, StringComparison.Ordinal);
        Assert.Contains("pluginai.sig: the plugin is not signed; ask its publisher for a signed package, or pass --allow-unsigned", error, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(ModelsFolder) ? Directory.GetFileSystemEntries(ModelsFolder) : []);

        var done = await PullJsonAsync($"pkg:{Id}@1.0.0", "--allow-unsigned");
        Assert.False(done.GetProperty("verified").GetBoolean());
        Assert.False(done.TryGetProperty("publisher", out var publisher) && publisher.ValueKind != JsonValueKind.Null, "an unsigned package names no publisher");
        Assert.Equal(_model, await File.ReadAllBytesAsync(done.GetProperty("path").GetString()!));
    }

    [Fact]
    public async Task Pull_ModelPackageSignedByAnUntrustedKey_IsRefused_UnlessAllowUnsigned()
    {
        await RunOkAsync("keys", "new", "stranger");
        await RunOkAsync("models", "pack", ModelPath, "--id", Id, "--version", "1.0.0", "-o", Feed, "--key", "stranger");

        var (exit, _, error) = await PluginAICli.RunAsync(Home, "models", "pull", $"pkg:{Id}");
        Assert.Equal(1, exit);
        Assert.Contains("refused", error, StringComparison.Ordinal);
        Assert.Contains("pluginai.sig", error, StringComparison.Ordinal);
        Assert.Empty((await RunJsonAsync("models", "list", "--json")).EnumerateArray());

        var done = await PullJsonAsync($"pkg:{Id}", "--allow-unsigned");
        Assert.False(done.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task Pull_NewVersionSignedByAnotherPublisher_IsRefusedByThePinAsForPlugins()
    {
        await RunOkAsync("keys", "new", "acme", "--trust", "publisher");
        await RunOkAsync("keys", "new", "other", "--trust", "publisher");
        await RunOkAsync("models", "pack", ModelPath, "--id", Id, "--version", "1.0.0", "-o", Feed, "--key", "acme");
        await PullJsonAsync($"pkg:{Id}@1.0.0");
        File.Delete(Path.Combine(ModelsFolder, FileName));
        await RunOkAsync("models", "pack", ModelPath, "--id", Id, "--version", "2.0.0", "-o", Feed, "--key", "other");

        var (exit, _, error) = await PluginAICli.RunAsync(Home, "models", "pull", $"pkg:{Id}");

        Assert.Equal(1, exit);
        Assert.Contains($"refused: {Id} 2.0.0 is signed by other", error, StringComparison.Ordinal);
        Assert.Contains($"but {Id} is pinned to publisher acme", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(ModelsFolder, FileName)));
    }

    [Fact]
    public async Task AModelPackageIsNotInstallableAsAPlugin_AndAPluginPackageIsNotPulledAsAModel()
    {
        await RunOkAsync("keys", "new", "acme", "--trust", "publisher");
        await RunOkAsync("models", "pack", ModelPath, "--id", Id, "--version", "1.0.0", "-o", Feed, "--key", "acme");
        await RunOkAsync("pack", Path.Combine(Path.GetDirectoryName(PluginAICli.Path)!, "plugins", "PluginAI.Redaction"), "-o", Feed, "--key", "acme");

        var (installExit, _, installError) = await PluginAICli.RunAsync(Home, "plugins", "install", Path.Combine(Feed, $"{Id}.1.0.0.nupkg"));
        Assert.Equal(1, installExit);
        Assert.Contains($"package {Id} 1.0.0 is a model (pluginai-model.json), not a plugin; refused. Pull it with 'pluginai models pull pkg:{Id}@1.0.0'", installError, StringComparison.Ordinal);

        var (byIdExit, _, byIdError) = await PluginAICli.RunAsync(Home, "plugins", "install", Id);
        Assert.Equal(1, byIdExit);
        Assert.Contains($"is a model (pluginai-model.json), not a plugin; pull it with 'pluginai models pull pkg:{Id}@1.0.0'", byIdError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Home, "plugins", Id)));

        var (pullExit, _, pullError) = await PluginAICli.RunAsync(Home, "models", "pull", "pkg:PluginAI.Redaction");
        Assert.Equal(1, pullExit);
        Assert.Contains("is a plugin (pluginai.json), not a model; refused. Install it with 'pluginai plugins install PluginAI.Redaction'", pullError, StringComparison.Ordinal);
        Assert.Empty((await RunJsonAsync("models", "list", "--json")).EnumerateArray());
    }

    [Fact]
    public async Task Pull_FromAnHttpNuGetFeed_TakesTheSameChecks_AndATamperedFileIsRefused()
    {
        var served = Path.Combine(_root, "served");
        await RunOkAsync("keys", "new", "acme", "--trust", "publisher");
        await RunOkAsync("models", "pack", ModelPath, "--id", Id, "--version", "1.0.0", "-o", served, "--key", "acme");
        await RunOkAsync("models", "pack", ModelPath, "--id", Id, "--version", "1.1.0", "-o", served, "--key", "acme");
        await ReplaceEntryAsync(Path.Combine(served, $"{Id}.1.1.0.nupkg"), $"model/{FileName}", bytes => bytes[^1] ^= 0x01);
        using var feed = new FakeNuGetFeed(served);
        await RunOkAsync("sources", "add", "http-feed", feed.ServiceIndex);

        var done = await PullJsonAsync($"pkg:{Id}@1.0.0");

        Assert.Equal($"pkg:{Id}@1.0.0 (source 'http-feed')", done.GetProperty("url").GetString());
        Assert.True(done.GetProperty("verified").GetBoolean());
        Assert.Contains("source 'http-feed': no signed index (the feed publishes none)", done.GetProperty("choice").GetString(), StringComparison.Ordinal);
        Assert.Equal(_model, await File.ReadAllBytesAsync(done.GetProperty("path").GetString()!));
        Assert.Contains(feed.RequestsSeen, r => r == $"/flat/{Id.ToLowerInvariant()}/1.0.0/{Id.ToLowerInvariant()}.1.0.0.nupkg");

        await RunOkAsync("models", "remove", Path.GetFileNameWithoutExtension(FileName));
        File.Delete(Path.Combine(ModelsFolder, FileName));
        var (exit, _, error) = await PluginAICli.RunAsync(Home, "models", "pull", $"pkg:{Id}");
        Assert.Equal(1, exit);
        Assert.Contains("refused: its content does not match its manifest", error, StringComparison.Ordinal);
        Assert.Contains("the file was altered or corrupted; refused", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(ModelsFolder));
    }

    [Fact]
    public async Task Pull_PackageNoSourceHas_SaysSo()
    {
        var (exit, _, error) = await PluginAICli.RunAsync(Home, "models", "pull", "pkg:Acme.Missing@1.0.0");

        Assert.Equal(1, exit);
        Assert.Contains("No package source has Acme.Missing 1.0.0; 'pluginai sources list' shows the sources", error, StringComparison.Ordinal);
    }

    private static async Task ReplaceEntryAsync(string package, string entryName, Action<byte[]> change)
    {
        using var zip = ZipFile.Open(package, ZipArchiveMode.Update);
        var entry = zip.GetEntry(entryName) ?? throw new InvalidOperationException($"{package} has no {entryName}");
        byte[] bytes;
        await using (var stream = entry.Open())
        using (var copy = new MemoryStream())
        {
            await stream.CopyToAsync(copy);
            bytes = copy.ToArray();
        }

        change(bytes);
        entry.Delete();
        await using var replaced = zip.CreateEntry(entryName).Open();
        await replaced.WriteAsync(bytes);
    }

    private async Task<JsonElement> PullJsonAsync(params string[] args)
    {
        var (exit, output, error) = await PluginAICli.RunAsync(Home, ["models", "pull", .. args, "--json"]);
        Assert.True(exit == 0, $"exit {exit}: {output}\n{error}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var document = JsonDocument.Parse(lines[^1]);
        Assert.Equal("done", document.RootElement.GetProperty("event").GetString());
        return document.RootElement.Clone();
    }

    private async Task<JsonElement> RunJsonAsync(params string[] args)
    {
        var (exit, output, error) = await PluginAICli.RunAsync(Home, args);
        Assert.True(exit == 0, $"exit {exit}: {output}\n{error}");
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }

    private async Task<string> RunOkAsync(params string[] args)
    {
        var (exit, output, error) = await PluginAICli.RunAsync(Home, args);
        Assert.True(exit == 0, $"pluginai {string.Join(' ', args)}: exit {exit}: {output}\n{error}");
        return output;
    }

    private static string Sha(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
