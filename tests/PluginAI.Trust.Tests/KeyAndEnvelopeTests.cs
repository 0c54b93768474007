using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PluginAI.Trust.Tests;

public sealed class KeyAndEnvelopeTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly SigningKey _key = SigningKey.Create("acme-publisher", PluginFixture.T0);

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void KeyFilesRoundTrip()
    {
        var priv = _dir.Combine("acme.key.json");
        var pub = _dir.Combine("acme.pub.json");
        _key.Save(priv);
        _key.SavePublic(pub);

        using var loaded = SigningKey.Load(priv);
        using var loadedPublic = SigningKey.Load(pub);
        var signature = loaded.Sign("hello"u8);

        Assert.Equal(_key.KeyId, loaded.KeyId);
        Assert.Equal("acme-publisher", loaded.Name);
        Assert.True(loaded.HasPrivateKey);
        Assert.False(loadedPublic.HasPrivateKey);
        Assert.True(_key.Verify("hello"u8, signature));
        Assert.True(loadedPublic.Verify("hello"u8, signature));
        Assert.False(loadedPublic.Verify("hellO"u8, signature));
        Assert.Equal(16, _key.KeyId.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(_key.PublicKey))[..16], _key.KeyId);
    }

    [Fact]
    public void PrivateKeyFileIsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var priv = _dir.Combine("acme.key.json");
        _key.Save(priv);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(priv));
    }

    [Fact]
    public void TamperedKeyFileIsRefused()
    {
        using var other = SigningKey.Create("other");
        var priv = _dir.Combine("acme.key.json");
        _key.Save(priv);
        var json = JsonNode.Parse(File.ReadAllText(priv))!.AsObject();
        json["publicKey"] = Convert.ToBase64String(other.PublicKey);
        File.WriteAllText(priv, json.ToJsonString());

        var ex = Assert.Throws<TrustException>(() => SigningKey.Load(priv));

        Assert.Contains("'publicKey' does not belong to field 'privateKey'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongKeyIdInKeyFileIsRefused()
    {
        var pub = _dir.Combine("acme.pub.json");
        _key.SavePublic(pub);
        var json = JsonNode.Parse(File.ReadAllText(pub))!.AsObject();
        json["keyId"] = "0000000000000000";
        File.WriteAllText(pub, json.ToJsonString());

        Assert.Contains("field 'keyId'", Assert.Throws<TrustException>(() => SigningKey.Load(pub)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyOnAnotherCurveIsRefused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var ex = Assert.Throws<TrustException>(() => SigningKey.FromPublicKey("p384", p384.ExportSubjectPublicKeyInfo()));

        Assert.Contains("P-256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingKeyFileIsNamed()
    {
        var path = _dir.Combine("nope.key.json");

        Assert.Equal($"{path}: key file not found.", Assert.Throws<TrustException>(() => SigningKey.Load(path)).Message);
    }

    [Fact]
    public void EnvelopeSignsAndVerifiesThroughItsJson()
    {
        var policy = new TrustPolicy();
        policy.Trust(_key, KeyRole.Vendor);
        var envelope = SignedEnvelope.Parse(SignedEnvelope.Sign(SignedEnvelope.LicensePayloadType, "{\"a\":1}"u8, _key).ToJson(), "licence.json");

        var signer = envelope.Verify(policy, SignedEnvelope.LicensePayloadType, KeyRole.Vendor, "licence.json");

        Assert.Equal(_key.KeyId, signer.KeyId);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(envelope.Payload.Span));
    }

    [Fact]
    public void PayloadTypeConfusionIsRefused()
    {
        var policy = new TrustPolicy();
        policy.Trust(_key, KeyRole.Vendor | KeyRole.Registry);
        var json = JsonNode.Parse(SignedEnvelope.Sign(SignedEnvelope.IndexPayloadType, "{}"u8, _key).ToJson())!.AsObject();

        var asIndex = SignedEnvelope.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "x");
        Assert.Contains("expected 'application/vnd.pluginai.licence+json'", Assert.Throws<TrustException>(() => asIndex.Verify(policy, SignedEnvelope.LicensePayloadType, KeyRole.Vendor, "x")).Message, StringComparison.Ordinal);

        json["payloadType"] = SignedEnvelope.LicensePayloadType;
        var relabelled = SignedEnvelope.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "x");
        Assert.Contains("does not match", Assert.Throws<TrustException>(() => relabelled.Verify(policy, SignedEnvelope.LicensePayloadType, KeyRole.Vendor, "x")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TamperedPayloadIsRefused()
    {
        var policy = new TrustPolicy();
        policy.Trust(_key, KeyRole.Publisher);
        var json = JsonNode.Parse(SignedEnvelope.Sign(SignedEnvelope.ManifestPayloadType, "{\"v\":1}"u8, _key).ToJson())!.AsObject();
        json["payload"] = Convert.ToBase64String("{\"v\":2}"u8);
        var envelope = SignedEnvelope.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "pluginai.sig");

        Assert.Contains("does not match", Assert.Throws<TrustException>(() => envelope.Verify(policy, SignedEnvelope.ManifestPayloadType, KeyRole.Publisher, "pluginai.sig")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UntrustedRevokedAndWrongRoleKeysAreRefused()
    {
        var envelope = SignedEnvelope.Sign(SignedEnvelope.ManifestPayloadType, "{}"u8, _key);
        var empty = new TrustPolicy();
        var vendorOnly = new TrustPolicy();
        vendorOnly.Trust(_key, KeyRole.Vendor);
        var revoked = new TrustPolicy();
        revoked.Trust(_key, KeyRole.Publisher);
        revoked.Revoke(_key.KeyId, PluginFixture.T0);

        string Refusal(TrustPolicy p) => Assert.Throws<TrustException>(() => envelope.Verify(p, SignedEnvelope.ManifestPayloadType, KeyRole.Publisher, "s")).Message;

        Assert.Contains("not in the trust policy", Refusal(empty), StringComparison.Ordinal);
        Assert.Contains("trusted as vendor, not as publisher", Refusal(vendorOnly), StringComparison.Ordinal);
        Assert.Contains("revoked on 2026-11-27", Refusal(revoked), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "expected a JSON object")]
    [InlineData("{\"format\":\"other\"}", "field 'format' must be 'pluginai-envelope/1'")]
    [InlineData("{\"format\":\"pluginai-envelope/1\",\"payloadType\":\"t\",\"keyId\":\"k\",\"payload\":\"***\",\"signature\":\"AA==\"}", "must be base64")]
    [InlineData("{\"format\":\"pluginai-envelope/1\",\"payloadType\":\"t\",\"payload\":\"AA==\",\"signature\":\"AA==\"}", "field 'keyId' is required")]
    public void MalformedEnvelopeNamesTheField(string json, string expected)
    {
        Assert.Contains(expected, Assert.Throws<TrustException>(() => SignedEnvelope.Parse(Encoding.UTF8.GetBytes(json), "e.json")).Message, StringComparison.Ordinal);
    }
}
