namespace PluginAI.Trust.Tests;

public sealed class KeyStoreTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Create_SavesThePairReadableOnlyByItsOwner_AndThePublicKey()
    {
        var store = new KeyStore(_dir.Combine("keys"));

        using var key = store.Create("acme-publisher");

        Assert.True(File.Exists(store.PrivateKeyPath("acme-publisher")));
        using (var loaded = store.LoadPrivateKey("acme-publisher"))
        {
            Assert.Equal(key.KeyId, loaded.KeyId);
        }

        using (var published = SigningKey.Load(store.PublicKeyPath("acme-publisher")))
        {
            Assert.False(published.HasPrivateKey);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.PrivateKeyPath("acme-publisher")));
        }
    }

    [Fact]
    public void Create_ExistingName_IsRefused_AndTheKeyIsKept()
    {
        var store = new KeyStore(_dir.Combine("keys"));
        using var first = store.Create("acme");

        var ex = Assert.Throws<TrustException>(() => store.Create("acme"));

        Assert.Contains("already exists", ex.Message, StringComparison.Ordinal);
        using var kept = store.LoadPrivateKey("acme");
        Assert.Equal(first.KeyId, kept.KeyId);
    }

    [Fact]
    public void LoadPrivateKey_ByPath_ByName_Missing_OrPublicOnly()
    {
        var store = new KeyStore(_dir.Combine("keys"));
        using var key = store.Create("vendor");

        using (var byPath = store.LoadPrivateKey(store.PrivateKeyPath("vendor")))
        {
            Assert.Equal(key.KeyId, byPath.KeyId);
        }

        var missing = Assert.Throws<TrustException>(() => store.LoadPrivateKey("nobody"));
        Assert.Contains("'pluginai keys new nobody'", missing.Message, StringComparison.Ordinal);
        var publicOnly = Assert.Throws<TrustException>(() => store.LoadPrivateKey(store.PublicKeyPath("vendor")));
        Assert.Contains("is a public key", publicOnly.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void List_NamesEveryKeyPair_AndAnUnreadableFileWithItsProblem()
    {
        var store = new KeyStore(_dir.Combine("keys"));
        Assert.Empty(store.List());
        using var b = store.Create("b-key");
        using var a = store.Create("a-key");
        File.WriteAllText(Path.Combine(store.Directory, "broken.key.json"), "{ not json");

        var listed = store.List();

        Assert.Equal(["a-key.key.json", "b-key.key.json", "broken.key.json"], listed.Select(k => Path.GetFileName(k.File)));
        Assert.Equal((a.Name, a.KeyId), (listed[0].Name, listed[0].KeyId));
        Assert.Null(listed[2].KeyId);
        Assert.NotNull(listed[2].Problem);
    }

    [Fact]
    public void LoadOrCreate_CreatesOnce()
    {
        var store = new KeyStore(_dir.Combine("keys"));

        using var first = store.LoadOrCreate("registry", out var created);
        using var second = store.LoadOrCreate("registry", out var createdAgain);

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(first.KeyId, second.KeyId);
    }
}
