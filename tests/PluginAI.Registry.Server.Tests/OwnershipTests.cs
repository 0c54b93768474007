using System.Net;
using System.Text;
using PluginAI.Trust;
using PluginAI.Trust.Content;

namespace PluginAI.Registry.Server.Tests;

/// <summary>The first publisher key to push an id owns it; later pushes of that id need the same key.</summary>
public sealed class OwnershipTests
{
    private static byte[] Signed(string id, string version, SigningKey key)
    {
        var manifest = TestPackages.Manifest(id, version);
        return TestPackages.Build(id, version, manifest, ManifestSigner.Sign(Encoding.UTF8.GetBytes(manifest), key));
    }

    [Fact]
    public async Task Push_OfAnIdOwnedByAnotherKey_IsRefusedWith403NamingTheOwner()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var owner = SigningKey.Create("owner");
        using var squatter = SigningKey.Create("squatter");
        await registry.PushOkAsync(Signed("Acme.Owned", "1.0.0", owner));

        using var refused = await registry.PushAsync(Signed("Acme.Owned", "1.1.0", squatter));
        var reason = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains($"Acme.Owned is owned by the publisher key {owner.KeyId}", reason, StringComparison.Ordinal);
        Assert.Contains($"is signed by key {squatter.KeyId}", reason, StringComparison.Ordinal);

        using var unsigned = await registry.PushAsync(TestPackages.Build("Acme.Owned", "1.2.0"));
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Contains("this package is unsigned", await unsigned.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await registry.PushOkAsync(Signed("Acme.Owned", "1.3.0", owner));
        await registry.PushOkAsync(Signed("Acme.Other", "1.0.0", squatter));
    }

    [Fact]
    public async Task Ownership_SurvivesARebuiltDatabase()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var owner = SigningKey.Create("owner");
        using var squatter = SigningKey.Create("squatter");
        await registry.PushOkAsync(Signed("Acme.Owned", "1.0.0", owner));

        await registry.RestartAsync(() =>
        {
            foreach (var file in Directory.GetFiles(registry.Options.PackagesDirectory!, "registry.db*"))
            {
                File.Delete(file);
            }
        });

        using var refused = await registry.PushAsync(Signed("Acme.Owned", "2.0.0", squatter));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
