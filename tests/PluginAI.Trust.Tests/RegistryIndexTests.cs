using System.Text;
using PluginAI.Trust.Index;

namespace PluginAI.Trust.Tests;

public sealed class RegistryIndexTests : IDisposable
{
    private const string Source = "https://plugins.example.org/v3/index.json";
    private static readonly DateTimeOffset T0 = PluginFixture.T0;
    private readonly TempDir _dir = new();
    private readonly SigningKey _registry = SigningKey.Create("example-registry", T0);
    private readonly TrustPolicy _policy = new();

    public RegistryIndexTests() => _policy.Trust(_registry, KeyRole.Registry, T0);

    private string StatePath => _dir.Combine(RegistryIndexState.FileName);

    public void Dispose()
    {
        _registry.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void AcceptedIndexIsRecordedAndFindsPackages()
    {
        var package = Encoding.UTF8.GetBytes("pretend nupkg");
        var index = Index(7, T0) with
        {
            Packages = [new RegistryIndexEntry("Acme.Redaction", "1.2.0", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(package)))],
        };

        var accepted = RegistryIndexState.Load(StatePath).Accept(Source, index.Sign(_registry), _policy, T0.AddHours(1));

        Assert.Equal(7, accepted.Version);
        Assert.Equal(7, RegistryIndexState.Load(StatePath).Records[Source].Version);
        Assert.NotNull(accepted.FindPackage("acme.redaction", "1.2.0"));
        Assert.Null(accepted.FindPackage("Acme.Redaction", "1.2.1"));
        Assert.Equal("1.2.0", accepted.VerifyPackage("Acme.Redaction", "1.2.0", new MemoryStream(package), "a.nupkg").Version);
        var ex = Assert.Throws<TrustException>(() => accepted.VerifyPackage("Acme.Redaction", "1.2.0", new MemoryStream([.. package, 0]), "a.nupkg"));
        Assert.Contains("a.nupkg: SHA-256 is", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RolledBackIndexIsRefusedNamingBothVersions()
    {
        var state = RegistryIndexState.Load(StatePath);
        state.Accept(Source, Index(42, T0).Sign(_registry), _policy, T0.AddHours(1));

        var ex = Assert.Throws<TrustException>(() => RegistryIndexState.Load(StatePath).Accept(Source, Index(41, T0.AddHours(2)).Sign(_registry), _policy, T0.AddHours(3)));

        Assert.Contains("version 41", ex.Message, StringComparison.Ordinal);
        Assert.Contains("version 42", ex.Message, StringComparison.Ordinal);
        Assert.Contains("rolled back", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpiredIndexIsRefused()
    {
        var ex = Assert.Throws<TrustException>(() => RegistryIndexState.Load(StatePath).Accept(Source, Index(3, T0).Sign(_registry), _policy, T0.AddDays(8)));

        Assert.Contains("expired at 2026-12-04T10:00:00Z", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(StatePath));
    }

    [Fact]
    public void EqualVersionWithDifferentContentIsRefusedButTheSameIndexIsAcceptedAgain()
    {
        var state = RegistryIndexState.Load(StatePath);
        var first = Index(5, T0).Sign(_registry);
        state.Accept(Source, first, _policy, T0.AddHours(1));
        state.Accept(Source, first, _policy, T0.AddHours(2));
        var other = (Index(5, T0) with { Packages = [new RegistryIndexEntry("Evil.Plugin", "1.0.0", new string('a', 64))] }).Sign(_registry);

        var ex = Assert.Throws<TrustException>(() => state.Accept(Source, other, _policy, T0.AddHours(3)));

        Assert.Contains("same as the index already seen, but different content", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexIssuedInTheFutureIsRefused()
    {
        var state = RegistryIndexState.Load(StatePath);

        state.Accept(Source, Index(1, T0.AddMinutes(4)).Sign(_registry), _policy, T0);
        var ex = Assert.Throws<TrustException>(() => state.Accept(Source, Index(2, T0.AddHours(1)).Sign(_registry), _policy, T0));

        Assert.Contains("check the system clock", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UntrustedOrWrongRoleSignerIsRefused()
    {
        using var stranger = SigningKey.Create("stranger");
        using var publisher = SigningKey.Create("publisher");
        _policy.Trust(publisher, KeyRole.Publisher);
        var state = RegistryIndexState.Load(StatePath);

        Assert.Contains("not in the trust policy", Assert.Throws<TrustException>(() => state.Accept(Source, Index(1, T0).Sign(stranger), _policy, T0)).Message, StringComparison.Ordinal);
        Assert.Contains("not as registry", Assert.Throws<TrustException>(() => state.Accept(Source, Index(1, T0).Sign(publisher), _policy, T0)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TamperedIndexIsRefused()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(Index(9, T0).Sign(_registry).ToJson())!.AsObject();
        json["payload"] = Convert.ToBase64String(Index(10, T0).ToJson());
        var envelope = SignedEnvelope.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "index.json");

        var ex = Assert.Throws<TrustException>(() => RegistryIndexState.Load(StatePath).Accept(Source, envelope, _policy, T0));

        Assert.Contains("does not match", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptStateFileIsNamed()
    {
        File.WriteAllText(StatePath, "{ \"format\": \"pluginai-index-state/1\", \"sources\": { \"x\": { \"registry\": \"r\", \"version\": \"ten\" } } }");

        var ex = Assert.Throws<TrustException>(() => RegistryIndexState.Load(StatePath));

        Assert.Contains(StatePath, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'version'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedPayloadNamesTheField()
    {
        var ex = Assert.Throws<TrustException>(() => RegistryIndex.Parse("{\"format\":\"pluginai-index/1\",\"registry\":\"r\",\"version\":1,\"issued\":\"2026-11-27T10:00:00Z\",\"expires\":\"2026-12-27T10:00:00Z\",\"packages\":[{\"id\":\"A\",\"version\":\"1.0.0\",\"sha256\":\"XYZ\"}]}"u8, "index.json"));

        Assert.Equal("index.json: packages[0]: field 'sha256' must be 64 lower-case hex digits.", ex.Message);
    }

    private static RegistryIndex Index(long version, DateTimeOffset issued) => new()
    {
        Registry = "plugins.example.org",
        Version = version,
        Issued = issued,
        Expires = issued.AddDays(7),
    };
}
