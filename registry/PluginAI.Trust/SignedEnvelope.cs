using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PluginAI.Trust;

/// <summary>
/// A signed document: the exact payload bytes, their type, the signing key's id and an ECDSA P-256 signature over the
/// pre-authentication encoding of type and payload, so a signature over one kind of document cannot pass for another.
/// </summary>
public sealed class SignedEnvelope
{
    /// <summary>The format tag of envelopes.</summary>
    public const string Format = "pluginai-envelope/1";

    /// <summary>The payload type of a plugin manifest (a package signature).</summary>
    public const string ManifestPayloadType = "application/vnd.pluginai.manifest+json";

    /// <summary>The payload type of a license.</summary>
    public const string LicensePayloadType = "application/vnd.pluginai.licence+json";

    /// <summary>The payload type of a certification record.</summary>
    public const string CertificationPayloadType = "application/vnd.pluginai.certification+json";

    /// <summary>The payload type of a registry index.</summary>
    public const string IndexPayloadType = "application/vnd.pluginai.index+json";

    private SignedEnvelope(string payloadType, byte[] payload, string keyId, byte[] signature)
    {
        PayloadType = payloadType;
        Payload = payload;
        KeyId = keyId;
        Signature = signature;
    }

    /// <summary>Gets the payload type.</summary>
    public string PayloadType { get; }

    /// <summary>Gets the exact payload bytes.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Gets the id of the key that signed the payload.</summary>
    public string KeyId { get; }

    /// <summary>Gets the P1363 signature.</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>Signs a payload.</summary>
    /// <param name="payloadType">The payload type.</param>
    /// <param name="payload">The exact bytes to sign.</param>
    /// <param name="key">A key with its private part.</param>
    /// <returns>The envelope.</returns>
    public static SignedEnvelope Sign(string payloadType, ReadOnlySpan<byte> payload, SigningKey key)
    {
        ArgumentException.ThrowIfNullOrEmpty(payloadType);
        ArgumentNullException.ThrowIfNull(key);
        var bytes = payload.ToArray();
        return new SignedEnvelope(payloadType, bytes, key.KeyId, key.Sign(PreAuthenticationEncoding(payloadType, bytes)));
    }

    /// <summary>Reads an envelope from its JSON form.</summary>
    /// <param name="json">The envelope's JSON bytes.</param>
    /// <param name="source">The file or request the bytes came from, for error messages.</param>
    /// <returns>The envelope; its signature is not yet verified.</returns>
    /// <exception cref="TrustException">The bytes are not an envelope.</exception>
    public static SignedEnvelope Parse(ReadOnlySpan<byte> json, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new TrustException($"{source}: expected a JSON object with format '{Format}'.");
        }
        catch (JsonException ex)
        {
            throw new TrustException($"{source}: not valid JSON ({ex.Message}).", ex);
        }

        if ((string?)root["format"] != Format)
        {
            throw new TrustException($"{source}: field 'format' must be '{Format}'.");
        }

        var payloadType = String(root, "payloadType", source);
        var keyId = String(root, "keyId", source);
        byte[] payload;
        byte[] signature;
        try
        {
            payload = Convert.FromBase64String(String(root, "payload", source));
            signature = Convert.FromBase64String(String(root, "signature", source));
        }
        catch (FormatException)
        {
            throw new TrustException($"{source}: fields 'payload' and 'signature' must be base64.");
        }

        return new SignedEnvelope(payloadType, payload, keyId, signature);
    }

    /// <summary>Reads an envelope file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The envelope; its signature is not yet verified.</returns>
    public static SignedEnvelope Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new TrustException($"{path}: file not found.");
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Gets the bytes a signature covers.</summary>
    /// <param name="payloadType">The payload type.</param>
    /// <param name="payload">The payload.</param>
    /// <returns><c>"pluginai-envelope/1" SP len(type) SP type SP len(payload) SP payload</c>.</returns>
    public static byte[] PreAuthenticationEncoding(string payloadType, ReadOnlySpan<byte> payload)
    {
        var typeBytes = Encoding.UTF8.GetBytes(payloadType);
        var header = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{Format} {typeBytes.Length} {payloadType} {payload.Length} "));
        var result = new byte[header.Length + payload.Length];
        header.CopyTo(result, 0);
        payload.CopyTo(result.AsSpan(header.Length));
        return result;
    }

    /// <summary>Checks the signature with a specific key.</summary>
    /// <param name="key">The key the envelope claims.</param>
    /// <returns>Whether the key id matches and the signature is valid.</returns>
    public bool IsSignedBy(SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.KeyId == KeyId && key.Verify(PreAuthenticationEncoding(PayloadType, Payload.Span), Signature.Span);
    }

    /// <summary>Verifies the envelope against the trust policy and returns the key that signed it.</summary>
    /// <param name="policy">The trust policy.</param>
    /// <param name="expectedPayloadType">The payload type the caller expects.</param>
    /// <param name="role">The role the signing key must have.</param>
    /// <param name="source">The file or request, for error messages.</param>
    /// <returns>The trusted key entry that signed the envelope.</returns>
    /// <exception cref="TrustException">Wrong payload type, unknown, untrusted or revoked key, or a bad signature.</exception>
    public TrustedKey Verify(TrustPolicy policy, string expectedPayloadType, KeyRole role, string source)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (PayloadType != expectedPayloadType)
        {
            throw new TrustException($"{source}: the envelope holds '{PayloadType}', expected '{expectedPayloadType}'.");
        }

        var trusted = policy.Find(KeyId) ?? throw new TrustException(
            $"{source}: signed by key {KeyId}, which is not in the trust policy {policy.Path ?? "(in memory)"}. Trust it with 'pluginai keys trust <public key file> --role {role.ToString().ToLowerInvariant()}' if you trust its owner.");
        if (trusted.Revoked is { } revoked)
        {
            throw new TrustException($"{source}: signed by key {KeyId} ({trusted.Name}), which was revoked on {revoked:yyyy-MM-dd}.");
        }

        if ((trusted.Roles & role) == 0)
        {
            throw new TrustException($"{source}: key {KeyId} ({trusted.Name}) is trusted as {TrustedKey.FormatRoles(trusted.Roles)}, not as {role.ToString().ToLowerInvariant()}.");
        }

        using var key = trusted.CreateKey();
        if (!IsSignedBy(key))
        {
            throw new TrustException($"{source}: the signature by key {KeyId} ({trusted.Name}) does not match the signed content; it was altered or signed with another key.");
        }

        return trusted;
    }

    /// <summary>Writes the envelope as JSON.</summary>
    /// <returns>The JSON bytes.</returns>
    public byte[] ToJson()
    {
        var root = new JsonObject
        {
            ["format"] = Format,
            ["payloadType"] = PayloadType,
            ["keyId"] = KeyId,
            ["payload"] = Convert.ToBase64String(Payload.Span),
            ["signature"] = Convert.ToBase64String(Signature.Span),
        };
        return JsonSerializer.SerializeToUtf8Bytes(root, TrustJson.Indented);
    }

    private static string String(JsonObject root, string field, string source) =>
        root[field] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrEmpty(s)
            ? s
            : throw new TrustException($"{source}: field '{field}' is required and must be a non-empty string.");
}
