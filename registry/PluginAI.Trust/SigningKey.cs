using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PluginAI.Trust;

/// <summary>An ECDSA P-256 key pair (or public key) with its name and key id.</summary>
/// <remarks>
/// The key id is the first 16 lower-case hex digits of the SHA-256 of the public key's SubjectPublicKeyInfo. Signatures
/// are ECDSA over SHA-256 in IEEE P1363 form (r‖s, 64 bytes).
/// </remarks>
public sealed class SigningKey : IDisposable
{
    /// <summary>The format tag of key files.</summary>
    public const string FileFormat = "pluginai-key/1";

    private readonly ECDsa _ecdsa;

    private SigningKey(ECDsa ecdsa, string name, DateTimeOffset created, bool hasPrivateKey)
    {
        _ecdsa = ecdsa;
        Name = name;
        Created = created;
        HasPrivateKey = hasPrivateKey;
        PublicKey = ecdsa.ExportSubjectPublicKeyInfo();
        KeyId = ComputeKeyId(PublicKey);
    }

    /// <summary>Gets the key's name, such as <c>acme-publisher</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the key id.</summary>
    public string KeyId { get; }

    /// <summary>Gets when the key was created.</summary>
    public DateTimeOffset Created { get; }

    /// <summary>Gets the public key as DER SubjectPublicKeyInfo.</summary>
    public byte[] PublicKey { get; }

    /// <summary>Gets a value indicating whether the private key is present, so the key can sign.</summary>
    public bool HasPrivateKey { get; }

    /// <summary>Creates a new key pair.</summary>
    /// <param name="name">The key's name.</param>
    /// <param name="now">The creation time; <see langword="null"/> for now.</param>
    /// <returns>The key.</returns>
    public static SigningKey Create(string name, DateTimeOffset? now = null)
    {
        ValidateName(name);
        return new SigningKey(ECDsa.Create(ECCurve.NamedCurves.nistP256), name, now ?? DateTimeOffset.UtcNow, hasPrivateKey: true);
    }

    /// <summary>Creates a verification-only key from a public key.</summary>
    /// <param name="name">The key's name.</param>
    /// <param name="subjectPublicKeyInfo">The DER SubjectPublicKeyInfo of a P-256 key.</param>
    /// <param name="created">When the key was created, if known.</param>
    /// <returns>The key.</returns>
    /// <exception cref="TrustException">The bytes are not a P-256 public key.</exception>
    public static SigningKey FromPublicKey(string name, ReadOnlySpan<byte> subjectPublicKeyInfo, DateTimeOffset? created = null)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            EnsureP256(ecdsa, name);
            return new SigningKey(ecdsa, name, created ?? DateTimeOffset.MinValue, hasPrivateKey: false);
        }
        catch (CryptographicException ex)
        {
            ecdsa.Dispose();
            throw new TrustException($"Key '{name}': the public key is not a valid ECDSA P-256 SubjectPublicKeyInfo ({ex.Message}).", ex);
        }
    }

    /// <summary>Computes the key id of a public key.</summary>
    /// <param name="subjectPublicKeyInfo">The DER SubjectPublicKeyInfo.</param>
    /// <returns>The first 16 hex digits of its SHA-256.</returns>
    public static string ComputeKeyId(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo))[..16];

    /// <summary>Reads a key file (private or public) written by <see cref="Save"/> or <see cref="SavePublic"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The key.</returns>
    /// <exception cref="TrustException">The file is missing, malformed or its key id does not match its key.</exception>
    public static SigningKey Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject
                ?? throw new TrustException($"{path}: expected a JSON object with format '{FileFormat}'.");
        }
        catch (FileNotFoundException)
        {
            throw new TrustException($"{path}: key file not found.");
        }
        catch (DirectoryNotFoundException)
        {
            throw new TrustException($"{path}: key file not found.");
        }
        catch (JsonException ex)
        {
            throw new TrustException($"{path}: not valid JSON ({ex.Message}).", ex);
        }

        if ((string?)root["format"] != FileFormat)
        {
            throw new TrustException($"{path}: field 'format' must be '{FileFormat}'.");
        }

        var name = Required(root, "name", path);
        var created = root["created"] is JsonValue c && c.TryGetValue<DateTimeOffset>(out var when) ? when : DateTimeOffset.MinValue;
        var publicKey = Base64(root, "publicKey", path);
        SigningKey key;
        if (root["privateKey"] is not null)
        {
            var ecdsa = ECDsa.Create();
            try
            {
                ecdsa.ImportPkcs8PrivateKey(Base64(root, "privateKey", path), out _);
                EnsureP256(ecdsa, path);
            }
            catch (CryptographicException ex)
            {
                ecdsa.Dispose();
                throw new TrustException($"{path}: field 'privateKey' is not a PKCS#8 ECDSA P-256 key ({ex.Message}).", ex);
            }

            key = new SigningKey(ecdsa, name, created, hasPrivateKey: true);
            if (!key.PublicKey.AsSpan().SequenceEqual(publicKey))
            {
                key.Dispose();
                throw new TrustException($"{path}: field 'publicKey' does not belong to field 'privateKey'.");
            }
        }
        else
        {
            key = FromPublicKey(name, publicKey, created);
        }

        var keyId = (string?)root["keyId"];
        if (keyId is not null && keyId != key.KeyId)
        {
            var actual = key.KeyId;
            key.Dispose();
            throw new TrustException($"{path}: field 'keyId' is '{keyId}' but the key's id is '{actual}'.");
        }

        return key;
    }

    /// <summary>Signs data.</summary>
    /// <param name="data">The bytes to sign.</param>
    /// <returns>The P1363 signature.</returns>
    /// <exception cref="InvalidOperationException">The key has no private part.</exception>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        if (!HasPrivateKey)
        {
            throw new InvalidOperationException($"Key '{Name}' ({KeyId}) is a public key and cannot sign.");
        }

        return _ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Verifies a signature.</summary>
    /// <param name="data">The signed bytes.</param>
    /// <param name="signature">The P1363 signature.</param>
    /// <returns>Whether the signature is valid for this key.</returns>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == 64 && _ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>Writes the key pair to a file readable only by its owner.</summary>
    /// <param name="path">The file; it must not exist.</param>
    public void Save(string path)
    {
        if (!HasPrivateKey)
        {
            throw new InvalidOperationException($"Key '{Name}' ({KeyId}) has no private part to save.");
        }

        var json = ToJson(includePrivate: true);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(json);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Writes the public key to a file that can be shared.</summary>
    /// <param name="path">The file; replaced if it exists.</param>
    public void SavePublic(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllBytes(path, ToJson(includePrivate: false));
    }

    /// <summary>Returns the public half of this key.</summary>
    /// <returns>A verification-only key.</returns>
    public SigningKey ToPublic() => FromPublicKey(Name, PublicKey, Created);

    /// <inheritdoc />
    public void Dispose() => _ecdsa.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({KeyId})";

    internal static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.')) || name.StartsWith('.'))
        {
            throw new TrustException($"Key name '{name}': use letters, digits, '-', '_' and '.', not starting with '.'.");
        }
    }

    private byte[] ToJson(bool includePrivate)
    {
        var root = new JsonObject
        {
            ["format"] = FileFormat,
            ["name"] = Name,
            ["keyId"] = KeyId,
            ["algorithm"] = "ECDSA-P256-SHA256",
            ["created"] = Created,
        };
        if (includePrivate)
        {
            root["privateKey"] = Convert.ToBase64String(_ecdsa.ExportPkcs8PrivateKey());
        }

        root["publicKey"] = Convert.ToBase64String(PublicKey);
        return JsonSerializer.SerializeToUtf8Bytes(root, TrustJson.Indented);
    }

    private static void EnsureP256(ECDsa ecdsa, string source)
    {
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new TrustException($"{source}: the key is not on curve P-256 (found {parameters.Curve.Oid?.FriendlyName ?? parameters.Curve.Oid?.Value ?? "an explicit curve"}).");
        }
    }

    private static string Required(JsonObject root, string field, string path) =>
        root[field] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s)
            ? s
            : throw new TrustException($"{path}: field '{field}' is required and must be a non-empty string.");

    private static byte[] Base64(JsonObject root, string field, string path)
    {
        var text = Required(root, field, path);
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new TrustException($"{path}: field '{field}' must be base64.");
        }
    }
}
