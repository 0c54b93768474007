using PluginAI.Trust;

namespace PluginAI.Registry.Tests;

public sealed class PublisherPinningTests : IDisposable
{
    private readonly RegistryFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Update_signed_by_a_second_trusted_publisher_is_refused_naming_both_until_repinned()
    {
        await _f.PublishAsync("Acme.Tagger", "1.0.0");
        await _f.Installer.InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly());
        var other = SigningKey.Create("other-publisher");
        _f.Policy.Trust(other, KeyRole.Publisher);
        _f.Policy.Save(Path.Combine(_f.Home, TrustPolicy.FileName));
        await _f.PublishAsync("Acme.Tagger", "1.1.0", key: other);

        var refused = await Assert.ThrowsAsync<TrustException>(() => _f.Installer.UpdateAsync("Acme.Tagger", RegistryFixture.CpuOnly()));
        Assert.Contains(other.KeyId, refused.Message, StringComparison.Ordinal);
        Assert.Contains(_f.Key.KeyId, refused.Message, StringComparison.Ordinal);
        Assert.Contains("pluginai plugins pin Acme.Tagger --publisher " + other.KeyId, refused.Message, StringComparison.Ordinal);
        Assert.Equal("1.0.0", Assert.Single(_f.Installer.List()).Version);
        Assert.Equal(_f.Key.KeyId, _f.Installer.GetPin("Acme.Tagger")!.KeyId);

        var (previous, current) = _f.Installer.Pin("Acme.Tagger", other.KeyId);
        Assert.Equal(_f.Key.KeyId, previous!.KeyId);
        Assert.Equal("other-publisher", current.Name);
        var update = await _f.Installer.UpdateAsync("Acme.Tagger", RegistryFixture.CpuOnly());
        Assert.True(update.Updated);
        Assert.Equal("1.0.0", update.InstalledVersion);
        Assert.Equal("1.1.0", update.Install!.Plugin.Version);
        Assert.Equal(other.KeyId, update.Install.Plugin.PublisherKeyId);
    }

    [Fact]
    public async Task Same_version_with_other_bytes_is_refused_even_with_allow_unsigned()
    {
        await _f.PublishAsync("Acme.Tagger", "1.0.0");
        await _f.Installer.InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly());

        var folder = _f.MakePluginFolder("Acme.Tagger", "1.0.0");
        File.WriteAllText(Path.Combine(folder, "Acme.Tagger.dll"), "substituted");
        var rogue = await PluginPackageBuilder.BuildAsync(folder, Path.Combine(_f.Root, "rogue") + Path.DirectorySeparatorChar, SigningKey.Create("untrusted"));
        var permissive = new PluginInstaller(new PluginAIPaths(_f.Home), _f.Client, new PluginInstallerOptions { AllowUnsigned = true });

        var refused = await Assert.ThrowsAsync<TrustException>(() => permissive.InstallPackageFileAsync(rogue.PackagePath, RegistryFixture.CpuOnly()));
        Assert.Contains("Acme.Tagger 1.0.0 is installed", refused.Message, StringComparison.Ordinal);
        Assert.Contains("same id and version", refused.Message, StringComparison.Ordinal);
        var installed = Assert.Single(_f.Installer.List());
        Assert.Equal(_f.Key.KeyId, installed.PublisherKeyId);
        Assert.Equal("assembly Acme.Tagger 1.0.0", File.ReadAllText(Path.Combine(installed.Directory, "Acme.Tagger.dll")));
    }

    [Fact]
    public async Task Newer_version_signed_by_an_untrusted_key_is_refused_with_allow_unsigned()
    {
        await _f.PublishAsync("Acme.Tagger", "1.0.0");
        await _f.Installer.InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly());
        var folder = _f.MakePluginFolder("Acme.Tagger", "2.0.0");
        var stranger = SigningKey.Create("stranger");
        var rogue = await PluginPackageBuilder.BuildAsync(folder, Path.Combine(_f.Root, "rogue") + Path.DirectorySeparatorChar, stranger);
        var permissive = new PluginInstaller(new PluginAIPaths(_f.Home), _f.Client, new PluginInstallerOptions { AllowUnsigned = true });

        var refused = await Assert.ThrowsAsync<TrustException>(() => permissive.InstallPackageFileAsync(rogue.PackagePath, RegistryFixture.CpuOnly()));
        Assert.Contains(stranger.KeyId, refused.Message, StringComparison.Ordinal);
        Assert.Contains("pinned to publisher test-publisher", refused.Message, StringComparison.Ordinal);
        Assert.Equal("1.0.0", Assert.Single(_f.Installer.List()).Version);
    }

    [Fact]
    public async Task Reinstalling_the_same_package_is_allowed()
    {
        var package = await _f.PublishAsync("Acme.Tagger", "1.0.0");
        await _f.Installer.InstallPackageFileAsync(package, RegistryFixture.CpuOnly());
        var again = await _f.Installer.InstallPackageFileAsync(package, RegistryFixture.CpuOnly());
        Assert.Equal("1.0.0", again.Plugin.Version);
        Assert.True(File.Exists(Path.Combine(_f.Home, "publishers.json")));
    }
}
