using PluginAI.Manifest;
using PluginAI.Trust;
using PluginAI.Trust.Content;
using PluginAI.Trust.Licensing;

namespace PluginAI.Host.Tests;

/// <summary>The host verifies the signature and every file of a plugin before it loads any of its code.</summary>
public sealed class TrustedLoadingTests : IDisposable
{
    private readonly TestHome _home = new();
    private readonly SigningKey _publisher = SigningKey.Create("acme-publisher");

    [Fact]
    public async Task SignedByTrustedPublisher_Loads_AndNamesThePublisher()
    {
        var folder = _home.AddPlugin("tagging", TestHome.Manifest("Test.Tagging"));
        await PackAndSignAsync(folder, _publisher);

        await using var host = await StartAsync(Policy(_publisher));

        var record = Assert.Single(host.Plugins);
        Assert.Equal(PluginStatus.Loaded, record.Status);
        Assert.Equal($"acme-publisher ({_publisher.KeyId})", record.Publisher);
        Assert.Contains("signed by acme-publisher", record.Trust, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneChangedByte_IsRefused_NamingTheFile()
    {
        var folder = _home.AddPlugin("tagging", TestHome.Manifest("Test.Tagging"));
        await PackAndSignAsync(folder, _publisher);
        var dll = Path.Combine(folder, TestHome.SampleAssembly);
        var bytes = await File.ReadAllBytesAsync(dll);
        bytes[^1] ^= 0x01;
        await File.WriteAllBytesAsync(dll, bytes);

        await using var host = await StartAsync(Policy(_publisher), allowUnsigned: true);

        var record = Assert.Single(host.Plugins);
        Assert.Equal(PluginStatus.Untrusted, record.Status);
        Assert.Contains(TestHome.SampleAssembly, record.Reason, StringComparison.Ordinal);
        Assert.Contains("SHA-256", record.Reason, StringComparison.Ordinal);
        Assert.Empty(host.GetPostprocessors());
    }

    [Fact]
    public async Task Unsigned_IsRefusedByDefault_AndLoadsWithTheOptIn()
    {
        _home.AddPlugin("tagging", TestHome.Manifest("Test.Tagging"));

        await using (var strict = await StartAsync(Policy(_publisher)))
        {
            var refused = Assert.Single(strict.Plugins);
            Assert.Equal(PluginStatus.Untrusted, refused.Status);
            Assert.Contains("--allow-unsigned", refused.Reason, StringComparison.Ordinal);
        }

        await using var relaxed = await StartAsync(Policy(_publisher), allowUnsigned: true);
        var loaded = Assert.Single(relaxed.Plugins);
        Assert.Equal(PluginStatus.Loaded, loaded.Status);
        Assert.True(relaxed.AllowsUnsigned);
        Assert.Null(loaded.Publisher);
    }

    [Fact]
    public async Task SignedByUntrustedKey_IsRefused()
    {
        var folder = _home.AddPlugin("tagging", TestHome.Manifest("Test.Tagging"));
        using var stranger = SigningKey.Create("stranger");
        await PackAndSignAsync(folder, stranger);

        await using var host = await StartAsync(Policy(_publisher));

        var record = Assert.Single(host.Plugins);
        Assert.Equal(PluginStatus.Untrusted, record.Status);
        Assert.Contains(stranger.KeyId, record.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokedPublisher_IsRefused()
    {
        var folder = _home.AddPlugin("tagging", TestHome.Manifest("Test.Tagging"));
        await PackAndSignAsync(folder, _publisher);
        var policy = Policy(_publisher);
        policy.Revoke(_publisher.KeyId);

        await using var host = await StartAsync(policy);

        Assert.Equal(PluginStatus.Untrusted, Assert.Single(host.Plugins).Status);
        Assert.Contains("revoked", host.Plugins[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstalledLayout_FollowsTheCurrentFile_AndSkipsStagingFolders()
    {
        var root = Path.Combine(_home.PluginsDirectory, "Test.Tagging");
        var old = _home.AddPlugin(Path.Combine("Test.Tagging", "1.0.0"), TestHome.Manifest("Test.Tagging", version: "1.0.0"));
        var current = _home.AddPlugin(Path.Combine("Test.Tagging", "2.0.0"), TestHome.Manifest("Test.Tagging", version: "2.0.0"));
        await PackAndSignAsync(old, _publisher);
        await PackAndSignAsync(current, _publisher);
        await File.WriteAllTextAsync(Path.Combine(current, PluginHost.InstallReceiptFileName), "{}");
        await File.WriteAllTextAsync(Path.Combine(root, PluginHost.CurrentVersionFileName), "2.0.0\n");
        _home.AddPlugin(Path.Combine(".staging", "Test.Other-1234"), TestHome.Manifest("Test.Other"));

        await using var host = await StartAsync(Policy(_publisher));

        var record = Assert.Single(host.Plugins);
        Assert.Equal(PluginStatus.Loaded, record.Status);
        Assert.Equal("2.0.0", record.Manifest!.Version.ToString());
        Assert.Equal(current, record.Directory);
    }

    [Fact]
    public async Task PaidPlugin_WithoutLicense_IsNotLoaded_AndWithOneItSeesItsLicense()
    {
        const string Licensing = "\"licensing\": { \"model\": \"paid\", \"productCode\": \"ACME-TAG\" }";
        _home.AddPlugin("tagging", TestHome.Manifest("Test.Tagging", extra: Licensing));
        using var vendor = SigningKey.Create("acme-vendor");
        var policy = Policy(_publisher);
        policy.Trust(vendor, KeyRole.Vendor);

        await using (var unlicensed = await StartAsync(policy, allowUnsigned: true))
        {
            var record = Assert.Single(unlicensed.Plugins);
            Assert.Equal(PluginStatus.Unlicensed, record.Status);
            Assert.Contains("ACME-TAG", record.Reason, StringComparison.Ordinal);
        }

        var claims = new LicenseClaims
        {
            LicenseId = "acme-0001",
            Licensee = "Example GmbH",
            Product = "ACME-TAG",
            Features = ["tagging"],
            Issued = DateTimeOffset.UtcNow.AddDays(-1),
            Expires = DateTimeOffset.UtcNow.AddDays(30),
        };
        var file = Path.Combine(_home.Root, "acme.licence.json");
        await File.WriteAllBytesAsync(file, LicenseIssuer.Issue(vendor, claims).ToJson());
        new LicenseStore(_home.Root).Add(file, policy);

        await using var licensed = await StartAsync(policy, allowUnsigned: true);
        var loaded = Assert.Single(licensed.Plugins);
        Assert.Equal(PluginStatus.Loaded, loaded.Status);
        Assert.Equal(PluginAI.Licensing.PluginLicenseStatus.Licensed, loaded.License.Status);
        Assert.Equal("Example GmbH", loaded.License.Licensee);
        Assert.True(loaded.License.HasFeature("tagging"));
    }

    public void Dispose()
    {
        _publisher.Dispose();
        _home.Dispose();
    }

    private static TrustPolicy Policy(SigningKey publisher)
    {
        var policy = new TrustPolicy();
        policy.Trust(publisher, KeyRole.Publisher);
        return policy;
    }

    private static async Task PackAndSignAsync(string folder, SigningKey key)
    {
        var manifestPath = Path.Combine(folder, PluginManifest.FileName);
        var manifest = (await ManifestReader.ReadFileAsync(manifestPath)).Manifest!;
        var files = new List<PackageFileHash>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(folder, file).Replace('\\', '/');
            if (relative is PluginManifest.FileName or PluginContentSource.SignatureFileName or PluginHost.InstallReceiptFileName)
            {
                continue;
            }

            await using var stream = File.OpenRead(file);
            files.Add(PluginContentVerifier.ComputeFileHash(relative, stream));
        }

        await ManifestWriter.WriteFileAsync(manifest with { Files = files }, manifestPath);
        ManifestSigner.SignDirectory(folder, key);
    }

    private Task<PluginHost> StartAsync(TrustPolicy policy, bool allowUnsigned = false)
    {
        var options = _home.Options();
        options.AllowUnsigned = allowUnsigned;
        options.TrustPolicy = policy;
        return PluginHost.StartAsync(options, TestHome.Probe(TestHome.CpuOnly()));
    }
}
