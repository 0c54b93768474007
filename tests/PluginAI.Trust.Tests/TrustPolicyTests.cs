using System.Text.Json.Nodes;

namespace PluginAI.Trust.Tests;

public sealed class TrustPolicyTests : IDisposable
{
    private readonly TempDir _dir = new();

    private string PolicyPath => _dir.Combine("trust.json");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void PolicyRoundTrips()
    {
        using var publisher = SigningKey.Create("acme-publisher");
        using var registry = SigningKey.Create("example-registry");
        var policy = TrustPolicy.Load(PolicyPath);
        policy.Trust(publisher, KeyRole.Publisher, PluginFixture.T0);
        policy.Trust(registry, KeyRole.Registry | KeyRole.Certifier, PluginFixture.T0);
        policy.Revoke(registry.KeyId[..8], PluginFixture.T0.AddDays(1));
        policy.AllowUnsigned = true;
        policy.Save();

        var loaded = TrustPolicy.Load(PolicyPath);

        Assert.True(loaded.AllowUnsigned);
        Assert.False(loaded.RequireCertified);
        Assert.Equal(2, loaded.Keys.Count);
        Assert.Equal(KeyRole.Publisher, loaded.Find(publisher.KeyId)!.Roles);
        Assert.Equal(KeyRole.Registry | KeyRole.Certifier, loaded.Find(registry.KeyId)!.Roles);
        Assert.Equal(PluginFixture.T0.AddDays(1), loaded.Find(registry.KeyId)!.Revoked);
        Assert.Equal(publisher.PublicKey, loaded.Find(publisher.KeyId)!.PublicKey);
    }

    [Fact]
    public void MissingPolicyIsEmpty()
    {
        var policy = TrustPolicy.Load(PolicyPath);

        Assert.Empty(policy.Keys);
        Assert.False(policy.AllowUnsigned);
        Assert.Equal(PolicyPath, policy.Path);
    }

    [Theory]
    [InlineData("allowUnsigned", "\"yes\"", "field 'allowUnsigned' must be true or false")]
    [InlineData("keys", "{}", "field 'keys' must be an array")]
    [InlineData("format", "\"pluginai-trust/9\"", "field 'format' must be 'pluginai-trust/1'")]
    public void MalformedTopLevelFieldsAreNamed(string field, string value, string expected)
    {
        var root = new JsonObject { ["format"] = "pluginai-trust/1", ["keys"] = new JsonArray() };
        root[field] = JsonNode.Parse(value);
        File.WriteAllText(PolicyPath, root.ToJsonString());

        var ex = Assert.Throws<TrustException>(() => TrustPolicy.Load(PolicyPath));

        Assert.Contains(PolicyPath, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("roles", "[\"admin\"]", "'admin' is not a key role")]
    [InlineData("keyId", "\"0000000000000000\"", "keys[0].keyId: '0000000000000000' does not match the public key")]
    [InlineData("publicKey", "\"***\"", "keys[0].publicKey: must be base64")]
    [InlineData("added", "\"last week\"", "keys[0].added: expected an ISO 8601 date")]
    [InlineData("name", "\"\"", "keys[0].name: required")]
    public void MalformedKeyFieldsAreNamed(string field, string value, string expected)
    {
        using var key = SigningKey.Create("k");
        var policy = new TrustPolicy(path: PolicyPath);
        policy.Trust(key, KeyRole.Publisher, PluginFixture.T0);
        policy.Save();
        var root = JsonNode.Parse(File.ReadAllText(PolicyPath))!.AsObject();
        root["keys"]![0]![field] = JsonNode.Parse(value);
        File.WriteAllText(PolicyPath, root.ToJsonString());

        Assert.Contains(expected, Assert.Throws<TrustException>(() => TrustPolicy.Load(PolicyPath)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotJsonIsNamed()
    {
        File.WriteAllText(PolicyPath, "{ nope");

        Assert.StartsWith($"{PolicyPath}: not valid JSON", Assert.Throws<TrustException>(() => TrustPolicy.Load(PolicyPath)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AmbiguousOrUnknownRevocationIsRefused()
    {
        var policy = new TrustPolicy();

        Assert.Contains("No key 'nobody'", Assert.Throws<TrustException>(() => policy.Revoke("nobody")).Message, StringComparison.Ordinal);
    }
}
