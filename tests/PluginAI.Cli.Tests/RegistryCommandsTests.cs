using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using PluginAI.TestSupport;

namespace PluginAI.Cli.Tests;

/// <summary>Keys, packing, signing, installing, licenses and certification through the real pluginai command.</summary>
public sealed class RegistryCommandsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pluginai-registry-cli", Guid.NewGuid().ToString("N"));

    public RegistryCommandsTests()
    {
        Directory.CreateDirectory(_root);
    }

    private string Home => Path.Combine(_root, "home");

    private static string BundledPlugin(string id) => Path.Combine(Path.GetDirectoryName(PluginAICli.Path)!, "plugins", id);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Keys_NewTrustListRevoke()
    {
        await RunOkAsync("keys", "new", "acme", "--trust", "publisher");
        using (var list = JsonDocument.Parse(await RunOkAsync("keys", "list", "--json")))
        {
            var trusted = Assert.Single(list.RootElement.GetProperty("trusted").EnumerateArray());
            Assert.Equal("acme", trusted.GetProperty("name").GetString());
            Assert.Equal("publisher", Assert.Single(trusted.GetProperty("roles").EnumerateArray()).GetString());
        }

        await RunOkAsync("keys", "revoke", "acme");
        using var after = JsonDocument.Parse(await RunOkAsync("keys", "list", "--json"));
        Assert.NotEqual(JsonValueKind.Null, Assert.Single(after.RootElement.GetProperty("trusted").EnumerateArray()).GetProperty("revoked").ValueKind);

        var (exit, _, error) = await PluginAICli.RunAsync(Home, "keys", "new", "acme");
        Assert.Equal(1, exit);
        Assert.Contains("already exists", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackSignInstall_FromTheLocalFeed_LoadsSignedByThePublisher()
    {
        await RunOkAsync("keys", "new", "acme", "--trust", "publisher");
        var feed = Path.Combine(Home, "feed");
        await RunOkAsync("pack", BundledPlugin("PluginAI.Redaction"), "-o", feed);
        var package = Path.Combine(feed, "PluginAI.Redaction.0.1.0.nupkg");
        await RunOkAsync("sign", package, "--key", "acme");

        using (var install = JsonDocument.Parse(await RunOkAsync("plugins", "install", "PluginAI.Redaction", "--json")))
        {
            Assert.Equal("0.1.0", install.RootElement.GetProperty("version").GetString());
            Assert.Equal("acme", install.RootElement.GetProperty("publisher").GetString());
        }

        using var plugins = JsonDocument.Parse(await RunOkAsync("plugins", "list", "--json"));
        var redaction = plugins.RootElement.EnumerateArray().First(p => p.GetProperty("id").GetString() == "PluginAI.Redaction");
        Assert.Equal("loaded", redaction.GetProperty("status").GetString());
        Assert.Equal("home", redaction.GetProperty("source").GetString());
        Assert.StartsWith("acme (", redaction.GetProperty("publisher").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_AProject_RunsDotnetPack_AndSignsTheRegistryReadyPackage()
    {
        await RunOkAsync("keys", "new", "acme", "--trust", "publisher");
        var project = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(PluginAICli.Path)!, "../../../../../plugins/PluginAI.Citations/PluginAI.Citations.csproj"));
        var output = Path.Combine(_root, "packed");

        using var packed = JsonDocument.Parse(await RunOkAsync("pack", project, "-o", output, "--key", "acme", "--json"));

        var package = packed.RootElement.GetProperty("package").GetString()!;
        Assert.Equal("PluginAI.Citations", packed.RootElement.GetProperty("id").GetString());
        Assert.True(packed.RootElement.GetProperty("files").GetInt32() > 0);
        using var zip = ZipFile.OpenRead(package);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("pluginai.json", names);
        Assert.Contains("pluginai.sig", names);
        Assert.Contains("plugin/PluginAI.Citations.dll", names);
        Assert.DoesNotContain(names, n => n.StartsWith("lib/", StringComparison.Ordinal) || n.EndsWith("PluginAI.Abstractions.dll", StringComparison.Ordinal));

        await RunOkAsync("plugins", "install", package);
        Assert.Equal("loaded", await StatusAsync("PluginAI.Citations"));
    }

    [Fact]
    public async Task Update_ByAnotherPublisher_IsRefusedUntilPinned_ThenPrintsOldAndNewVersion()
    {
        await RunOkAsync("keys", "new", "acme", "--trust", "publisher");
        await RunOkAsync("keys", "new", "other", "--trust", "publisher");
        string otherKeyId;
        using (var list = JsonDocument.Parse(await RunOkAsync("keys", "list", "--json")))
        {
            otherKeyId = list.RootElement.GetProperty("trusted").EnumerateArray().Single(k => k.GetProperty("name").GetString() == "other").GetProperty("keyId").GetString()!;
        }

        var feed = Path.Combine(Home, "feed");
        await RunOkAsync("pack", BundledPlugin("PluginAI.Redaction"), "-o", feed, "--key", "acme");
        await RunOkAsync("plugins", "install", "PluginAI.Redaction");
        var staged = await StageRedactionVersion020Async();
        await RunOkAsync("pack", staged, "-o", feed, "--key", "other");

        var (exit, _, error) = await PluginAICli.RunAsync(Home, "plugins", "update", "PluginAI.Redaction");
        Assert.Equal(1, exit);
        Assert.Contains($"is signed by other ({otherKeyId}), but PluginAI.Redaction is pinned to publisher acme (", error, StringComparison.Ordinal);
        Assert.Contains($"pluginai plugins pin PluginAI.Redaction --publisher {otherKeyId}", error, StringComparison.Ordinal);

        Assert.Contains($"pinned to other ({otherKeyId}), was acme (", await RunOkAsync("plugins", "pin", "PluginAI.Redaction", "--publisher", otherKeyId), StringComparison.Ordinal);
        Assert.Contains("PluginAI.Redaction: updated from 0.1.0 to 0.2.0", await RunOkAsync("plugins", "update", "PluginAI.Redaction"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetIndex_OfAFolderSource_SaysThereIsNoSignedIndex()
    {
        var (exit, _, error) = await PluginAICli.RunAsync(Home, "sources", "reset-index", "local");
        Assert.Equal(1, exit);
        Assert.Contains("source 'local' publishes no signed index; there is nothing to reset", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_TamperedPackage_IsRefused_AndTheInstalledVersionKeepsWorking()
    {
        await RunOkAsync("keys", "new", "acme", "--trust", "publisher");
        var feed = Path.Combine(Home, "feed");
        await RunOkAsync("pack", BundledPlugin("PluginAI.Redaction"), "-o", feed, "--key", "acme");
        await RunOkAsync("plugins", "install", "PluginAI.Redaction");

        // A 0.2.0 whose dll was changed after signing.
        var staged = await StageRedactionVersion020Async();
        await RunOkAsync("pack", staged, "-o", feed, "--key", "acme");
        var tampered = Path.Combine(feed, "PluginAI.Redaction.0.2.0.nupkg");
        using (var zip = ZipFile.Open(tampered, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("plugin/PluginAI.Redaction.dll")!;
            byte[] bytes;
            using (var stream = entry.Open())
            using (var copy = new MemoryStream())
            {
                await stream.CopyToAsync(copy);
                bytes = copy.ToArray();
            }

            bytes[^1] ^= 0x01;
            entry.Delete();
            using var replaced = zip.CreateEntry("plugin/PluginAI.Redaction.dll").Open();
            await replaced.WriteAsync(bytes);
        }

        var (exit, _, error) = await PluginAICli.RunAsync(Home, "plugins", "update", "PluginAI.Redaction");
        Assert.Equal(1, exit);
        Assert.Contains("PluginAI.Redaction.dll", error, StringComparison.Ordinal);
        Assert.Contains("SHA-256", error, StringComparison.Ordinal);

        using var plugins = JsonDocument.Parse(await RunOkAsync("plugins", "list", "--json"));
        var redaction = plugins.RootElement.EnumerateArray().First(p => p.GetProperty("id").GetString() == "PluginAI.Redaction");
        Assert.Equal("loaded", redaction.GetProperty("status").GetString());
        Assert.Equal("0.1.0", redaction.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Install_Unsigned_IsRefused_UnlessAllowed_AndDoctorSaysSoLoudly()
    {
        var feed = Path.Combine(Home, "feed");
        await RunOkAsync("pack", BundledPlugin("PluginAI.Redaction"), "-o", feed);

        var (exit, _, error) = await PluginAICli.RunAsync(Home, "plugins", "install", "PluginAI.Redaction");
        Assert.Equal(1, exit);
        Assert.Contains("not signed", error, StringComparison.Ordinal);

        await RunOkAsync("plugins", "install", "PluginAI.Redaction", "--allow-unsigned");
        var doctor = await RunOkAsync("doctor", "--allow-unsigned");
        Assert.Contains("UNSIGNED PLUGINS ARE ALLOWED", doctor, StringComparison.Ordinal);
        using (var doctorJson = JsonDocument.Parse(await RunOkAsync("doctor", "--allow-unsigned", "--json")))
        {
            Assert.True(doctorJson.RootElement.GetProperty("trust").GetProperty("allowUnsigned").GetBoolean());
        }

        // Without the opt-in the host refuses to load the unsigned copy.
        using var plugins = JsonDocument.Parse(await RunOkAsync("plugins", "list", "--json"));
        var installed = plugins.RootElement.EnumerateArray().First(p => p.GetProperty("id").GetString() == "PluginAI.Redaction" && p.GetProperty("source").GetString() == "home");
        Assert.Equal("untrusted", installed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task PaidPlugin_LoadsOnlyWithAValidLicenseForItsProduct()
    {
        await RunOkAsync("keys", "new", "acme", "--trust", "publisher");
        await RunOkAsync("keys", "new", "acme-vendor", "--trust", "vendor");
        var staged = Path.Combine(_root, "paid");
        CopyDirectory(BundledPlugin("PluginAI.Redaction"), staged);
        var manifestPath = Path.Combine(staged, "pluginai.json");
        var manifest = await File.ReadAllTextAsync(manifestPath);
        manifest = manifest.Replace("\"id\": \"PluginAI.Redaction\"", "\"id\": \"Acme.Redaction\"", StringComparison.Ordinal)
            .Replace("\"hostApi\"", "\"licensing\": { \"model\": \"paid\", \"productCode\": \"ACME-RED\" },\n  \"hostApi\"", StringComparison.Ordinal);
        await File.WriteAllTextAsync(manifestPath, manifest);
        await RunOkAsync("pack", staged, "-o", Path.Combine(Home, "feed"), "--key", "acme");
        await RunOkAsync("plugins", "install", "Acme.Redaction");
        Assert.Equal("unlicensed", await StatusAsync("Acme.Redaction"));

        var wrong = Path.Combine(_root, "wrong.licence.json");
        await RunOkAsync("license", "issue", "--key", "acme-vendor", "--licensee", "Example GmbH", "--product", "OTHER", "--days", "30", "-o", wrong);
        await RunOkAsync("license", "add", wrong);
        Assert.Equal("unlicensed", await StatusAsync("Acme.Redaction"));

        var expired = Path.Combine(_root, "expired.licence.json");
        await RunOkAsync("license", "issue", "--key", "acme-vendor", "--licensee", "Example GmbH", "--product", "ACME-RED", "--issued", "2020-01-01", "--expires", "2020-01-31", "--id", "acme-expired", "-o", expired);
        await RunOkAsync("license", "add", expired);
        Assert.Equal("unlicensed", await StatusAsync("Acme.Redaction"));
        await RunOkAsync("license", "remove", "acme-expired");

        var good = Path.Combine(_root, "good.licence.json");
        await RunOkAsync("license", "issue", "--key", "acme-vendor", "--licensee", "Example GmbH", "--product", "ACME-RED", "--days", "30", "-o", good);
        await RunOkAsync("license", "add", good);
        Assert.Equal("loaded", await StatusAsync("Acme.Redaction"));
        using (var plugins = JsonDocument.Parse(await RunOkAsync("plugins", "list", "--json")))
        {
            var license = plugins.RootElement.EnumerateArray().First(p => p.GetProperty("id").GetString() == "Acme.Redaction").GetProperty("license");
            Assert.Equal("licensed", license.GetProperty("status").GetString());
            Assert.Equal("Example GmbH", license.GetProperty("licensee").GetString());
        }

        using var licenses = JsonDocument.Parse(await RunOkAsync("license", "list", "--json"));
        Assert.Contains(licenses.RootElement.EnumerateArray(), l => l.GetProperty("product").GetString() == "ACME-RED" && !l.TryGetProperty("problem", out _));
    }

    [Fact]
    public async Task LicenseAdd_WarnsOfExpiredWrongMachineAndWrongKey_AndStoresTheLicence()
    {
        await RunOkAsync("keys", "new", "acme-vendor", "--trust", "vendor");
        await RunOkAsync("keys", "new", "other-vendor", "--trust", "vendor");
        var plugin = Path.Combine(Home, "plugins", "Acme.Redaction");
        CopyDirectory(BundledPlugin("PluginAI.Redaction"), plugin);
        var manifestPath = Path.Combine(plugin, "pluginai.json");
        var manifest = (await File.ReadAllTextAsync(manifestPath))
            .Replace("\"id\": \"PluginAI.Redaction\"", "\"id\": \"Acme.Redaction\"", StringComparison.Ordinal)
            .Replace("\"hostApi\"", "\"licensing\": { \"model\": \"paid\", \"productCode\": \"ACME-RED\", \"vendorKeyId\": \"acme-vendor\" },\n  \"hostApi\"", StringComparison.Ordinal);
        await File.WriteAllTextAsync(manifestPath, manifest);

        async Task<string> IssueAsync(string id, params string[] extra)
        {
            var path = Path.Combine(_root, id + ".licence.json");
            await RunOkAsync(["license", "issue", "--licensee", "Example GmbH", "--product", "ACME-RED", "--id", id, "-o", path, .. extra]);
            return path;
        }

        var good = await IssueAsync("good", "--key", "acme-vendor", "--days", "30");
        using (var added = JsonDocument.Parse(await RunOkAsync("license", "add", good, "--json")))
        {
            Assert.Empty(added.RootElement.GetProperty("warnings").EnumerateArray());
        }

        var expired = await IssueAsync("expired", "--key", "acme-vendor", "--issued", "2020-01-01", "--expires", "2020-01-31");
        var expiredText = await RunOkAsync("license", "add", expired);
        Assert.Contains("Warning: the licence expired on 2020-01-31", expiredText, StringComparison.Ordinal);

        var otherMachine = "c0ffee:" + new string('a', 64);
        var moved = await IssueAsync("moved", "--key", "acme-vendor", "--days", "30", "--machine", otherMachine);
        var movedText = await RunOkAsync("license", "add", moved);
        Assert.Contains($"Warning: the licence is bound to machine {otherMachine}", movedText, StringComparison.Ordinal);
        Assert.DoesNotContain("bound to this machine", movedText, StringComparison.Ordinal);

        var foreign = await IssueAsync("foreign", "--key", "other-vendor", "--days", "30");
        using (var added = JsonDocument.Parse(await RunOkAsync("license", "add", foreign, "--json")))
        {
            var warning = Assert.Single(added.RootElement.GetProperty("warnings").EnumerateArray()).GetString()!;
            Assert.Contains("(other-vendor)", warning, StringComparison.Ordinal);
            Assert.Contains("Acme.Redaction names 'acme-vendor'", warning, StringComparison.Ordinal);
        }

        using var licenses = JsonDocument.Parse(await RunOkAsync("license", "list", "--json"));
        Assert.Equal(4, licenses.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Certify_SignsARecord_AndRequireCertifiedRefusesTheRest()
    {
        var model = Path.Combine(_root, "tiny.gguf");
        TinyLlamaModel.Write(model);
        await RunOkAsync("keys", "new", "acme-labs", "--trust", "certifier");

        using (var certify = JsonDocument.Parse(await RunOkAsync("certify", BundledPlugin("PluginAI.Backends.Llama"), "--model", model, "--key", "acme-labs", "-o", _root, "--json")))
        {
            Assert.Equal(0, certify.RootElement.GetProperty("failed").GetInt32());
            Assert.True(certify.RootElement.GetProperty("passed").GetInt32() > 5);
            await RunOkAsync("certifications", "add", certify.RootElement.GetProperty("record").GetString()!);
        }

        using var plugins = JsonDocument.Parse(await RunOkAsync("plugins", "list", "--require-certified", "--json"));
        var byId = plugins.RootElement.EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!);
        Assert.Equal("loaded", byId["PluginAI.Backends.Llama"].GetProperty("status").GetString());
        Assert.True(byId["PluginAI.Backends.Llama"].GetProperty("certifications").EnumerateArray().First().GetProperty("certified").GetBoolean());
        Assert.Equal("uncertified", byId["PluginAI.Backends.Onnx"].GetProperty("status").GetString());
        Assert.Equal("loaded", byId["PluginAI.Redaction"].GetProperty("status").GetString());
    }

    [Fact]
    public async Task ContributorsReport_ForAPlugin_UsesTheStatisticsRecordedAtPack_AndNamesAnUnknownPlugin()
    {
        var repository = Path.Combine(_root, "repo");
        Directory.CreateDirectory(repository);
        Git(repository, "init", "-q", "-b", "main");
        Commit(repository, "Ada", "ada@example.com", "src/a.cs", "class A {}\n");
        Commit(repository, "Ada", "ada@example.com", "src/b.cs", "class B {}\n");
        Commit(repository, "Bob", "bob@example.com", "docs/guide.md", "# Guide\n");
        await RunOkAsync("keys", "new", "acme", "--trust", "publisher");
        await RunOkAsync("pack", BundledPlugin("PluginAI.Redaction"), "-o", Path.Combine(Home, "feed"), "--key", "acme", "--contributors", repository);

        using (var report = JsonDocument.Parse(await RunOkAsync("contributors", "report", "--plugin", "PluginAI.Redaction", "--amount", "100", "--currency", "EUR", "--json")))
        {
            var parts = report.RootElement.GetProperty("parts").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("amount").GetDecimal());
            Assert.Equal(85.71m, parts["ada@example.com"]);
            Assert.Equal(14.29m, parts["bob@example.com"]);
        }

        var (exit, _, error) = await PluginAICli.RunAsync(Home, "contributors", "report", "--plugin", "No.Such.Plugin", "--amount", "100", "--currency", "EUR");
        Assert.Equal(1, exit);
        Assert.Contains("Unknown plugin 'No.Such.Plugin'", error, StringComparison.Ordinal);
    }

    private async Task<string> StatusAsync(string id)
    {
        using var plugins = JsonDocument.Parse(await RunOkAsync("plugins", "list", "--json"));
        return plugins.RootElement.EnumerateArray().First(p => p.GetProperty("id").GetString() == id).GetProperty("status").GetString()!;
    }

    private async Task<string> RunOkAsync(params string[] args)
    {
        var (exit, output, error) = await PluginAICli.RunAsync(Home, args);
        Assert.True(exit == 0, $"pluginai {string.Join(' ', args)} exited with {exit}: {error}{output}");
        return output;
    }

    /// <summary>Copies the bundled redaction plugin into a folder as version 0.2.0, ready to pack.</summary>
    private async Task<string> StageRedactionVersion020Async()
    {
        var staged = Path.Combine(_root, "staged");
        CopyDirectory(BundledPlugin("PluginAI.Redaction"), staged);
        var manifestPath = Path.Combine(staged, "pluginai.json");
        await File.WriteAllTextAsync(manifestPath, (await File.ReadAllTextAsync(manifestPath)).Replace("\"0.1.0\"", "\"0.2.0\"", StringComparison.Ordinal));
        return staged;
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    private static void Commit(string repository, string name, string email, string path, string content)
    {
        var full = Path.Combine(repository, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        Git(repository, "add", path);
        Git(repository, "-c", $"user.name={name}", "-c", $"user.email={email}", "commit", "-q", "-m", $"add {path}");
    }

    private static void Git(string repository, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = repository, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
    }
}
