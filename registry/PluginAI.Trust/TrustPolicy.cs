using System.Text.Json;
using System.Text.Json.Nodes;

namespace PluginAI.Trust;

/// <summary>
/// The keys this machine trusts and for what, plus the opt-ins that relax or tighten checks. Kept in
/// <c>&lt;home&gt;/trust.json</c>; see docs/registry.md.
/// </summary>
public sealed class TrustPolicy
{
    /// <summary>The format tag of the policy file.</summary>
    public const string FileFormat = "pluginai-trust/1";

    /// <summary>The policy's file name inside the PluginAI home.</summary>
    public const string FileName = "trust.json";

    private readonly List<TrustedKey> _keys;

    /// <summary>Initializes a new instance of the <see cref="TrustPolicy"/> class.</summary>
    /// <param name="keys">The trusted keys.</param>
    /// <param name="path">The file the policy is kept in, or <see langword="null"/> for an in-memory policy.</param>
    public TrustPolicy(IEnumerable<TrustedKey>? keys = null, string? path = null)
    {
        _keys = [.. keys ?? []];
        Path = path;
    }

    /// <summary>Gets the file the policy is kept in, or <see langword="null"/>.</summary>
    public string? Path { get; }

    /// <summary>Gets the trusted keys, revoked ones included.</summary>
    public IReadOnlyList<TrustedKey> Keys => _keys;

    /// <summary>Gets or sets a value indicating whether unsigned or untrusted plugins may be installed and loaded.</summary>
    public bool AllowUnsigned { get; set; }

    /// <summary>Gets or sets a value indicating whether backends without a valid certification for this machine's devices are refused.</summary>
    public bool RequireCertified { get; set; }

    /// <summary>Loads a policy file; a missing file is an empty policy kept at that path.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="TrustException">The file is malformed; the message names the field.</exception>
    public static TrustPolicy Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            return new TrustPolicy(path: path);
        }

        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject ?? throw new TrustException($"{path}: expected a JSON object with format '{FileFormat}'.");
        }
        catch (JsonException ex)
        {
            throw new TrustException($"{path}: not valid JSON ({ex.Message}).", ex);
        }

        if ((string?)root["format"] != FileFormat)
        {
            throw new TrustException($"{path}: field 'format' must be '{FileFormat}'.");
        }

        var keys = new List<TrustedKey>();
        if (root["keys"] is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                keys.Add(ReadKey(array[i] as JsonObject, $"{path}: keys[{i}]"));
            }
        }
        else if (root["keys"] is not null)
        {
            throw new TrustException($"{path}: field 'keys' must be an array.");
        }

        return new TrustPolicy(keys, path)
        {
            AllowUnsigned = Bool(root, "allowUnsigned", path),
            RequireCertified = Bool(root, "requireCertified", path),
        };
    }

    /// <summary>Parses roles such as <c>publisher,certifier</c>.</summary>
    /// <param name="text">Comma-separated role names.</param>
    /// <returns>The roles.</returns>
    /// <exception cref="TrustException">An unknown role.</exception>
    public static KeyRole ParseRoles(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var roles = KeyRole.None;
        foreach (var part in text.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            roles |= part.ToLowerInvariant() switch
            {
                "publisher" => KeyRole.Publisher,
                "certifier" => KeyRole.Certifier,
                "registry" => KeyRole.Registry,
                "vendor" => KeyRole.Vendor,
                _ => throw new TrustException($"'{part}' is not a key role; expected publisher, certifier, registry or vendor."),
            };
        }

        return roles == KeyRole.None ? throw new TrustException("At least one key role is required: publisher, certifier, registry or vendor.") : roles;
    }

    /// <summary>Finds a key by id.</summary>
    /// <param name="keyId">The key id.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    public TrustedKey? Find(string keyId) => _keys.Find(k => string.Equals(k.KeyId, keyId, StringComparison.OrdinalIgnoreCase));

    /// <summary>Trusts a key for roles; a key already present gets the roles added and is no longer revoked.</summary>
    /// <param name="key">The key (its public half is kept).</param>
    /// <param name="roles">What it may sign.</param>
    /// <param name="now">The time of the change; <see langword="null"/> for now.</param>
    /// <returns>The entry.</returns>
    public TrustedKey Trust(SigningKey key, KeyRole roles, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (roles == KeyRole.None)
        {
            throw new TrustException("At least one key role is required: publisher, certifier, registry or vendor.");
        }

        var index = _keys.FindIndex(k => k.KeyId == key.KeyId);
        var entry = index >= 0
            ? _keys[index] with { Roles = _keys[index].Roles | roles, Revoked = null }
            : new TrustedKey { KeyId = key.KeyId, Name = key.Name, Roles = roles, PublicKey = key.PublicKey, Added = now ?? DateTimeOffset.UtcNow };
        if (index >= 0)
        {
            _keys[index] = entry;
        }
        else
        {
            _keys.Add(entry);
        }

        return entry;
    }

    /// <summary>Revokes a key: nothing it signed verifies any more.</summary>
    /// <param name="keyId">The key id, or a unique prefix of at least 8 digits, or the key's name.</param>
    /// <param name="now">The time of revocation; <see langword="null"/> for now.</param>
    /// <returns>The revoked entry.</returns>
    /// <exception cref="TrustException">No key, or more than one, matches.</exception>
    public TrustedKey Revoke(string keyId, DateTimeOffset? now = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        var matches = _keys.Select((k, i) => (k, i))
            .Where(x => string.Equals(x.k.KeyId, keyId, StringComparison.OrdinalIgnoreCase)
                || (keyId.Length >= 8 && x.k.KeyId.StartsWith(keyId, StringComparison.OrdinalIgnoreCase))
                || string.Equals(x.k.Name, keyId, StringComparison.Ordinal))
            .ToList();
        if (matches.Count == 0)
        {
            throw new TrustException($"No key '{keyId}' in the trust policy {Path ?? "(in memory)"}; 'pluginai keys list' shows the keys.");
        }

        if (matches.Count > 1)
        {
            throw new TrustException($"'{keyId}' matches {matches.Count} keys ({string.Join(", ", matches.Select(m => m.k.KeyId))}); give the full key id.");
        }

        var (key, index) = matches[0];
        var revoked = key with { Revoked = key.Revoked ?? now ?? DateTimeOffset.UtcNow };
        _keys[index] = revoked;
        return revoked;
    }

    /// <summary>Writes the policy to its file atomically.</summary>
    /// <param name="path">The file; <see langword="null"/> uses <see cref="Path"/>.</param>
    public void Save(string? path = null)
    {
        var target = path ?? Path ?? throw new InvalidOperationException("The policy has no file; pass a path.");
        var keys = new JsonArray();
        foreach (var key in _keys)
        {
            keys.Add(new JsonObject
            {
                ["keyId"] = key.KeyId,
                ["name"] = key.Name,
                ["roles"] = new JsonArray([.. TrustedKey.FormatRoles(key.Roles).Split(", ").Select(r => (JsonNode)r)]),
                ["publicKey"] = Convert.ToBase64String(key.PublicKey),
                ["added"] = key.Added,
                ["revoked"] = key.Revoked,
            });
        }

        var root = new JsonObject
        {
            ["format"] = FileFormat,
            ["allowUnsigned"] = AllowUnsigned,
            ["requireCertified"] = RequireCertified,
            ["keys"] = keys,
        };
        AtomicFile.WriteAllBytes(target, JsonSerializer.SerializeToUtf8Bytes(root, TrustJson.Indented));
    }

    private static TrustedKey ReadKey(JsonObject? node, string where)
    {
        if (node is null)
        {
            throw new TrustException($"{where}: expected an object with keyId, name, roles and publicKey.");
        }

        string Str(string field) => node[field] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrEmpty(s)
            ? s
            : throw new TrustException($"{where}.{field}: required, a non-empty string.");

        byte[] publicKey;
        try
        {
            publicKey = Convert.FromBase64String(Str("publicKey"));
        }
        catch (FormatException)
        {
            throw new TrustException($"{where}.publicKey: must be base64 of a DER SubjectPublicKeyInfo.");
        }

        var keyId = Str("keyId");
        var actual = SigningKey.ComputeKeyId(publicKey);
        if (!string.Equals(actual, keyId, StringComparison.OrdinalIgnoreCase))
        {
            throw new TrustException($"{where}.keyId: '{keyId}' does not match the public key, whose id is '{actual}'.");
        }

        if (node["roles"] is not JsonArray roleArray)
        {
            throw new TrustException($"{where}.roles: required, an array of publisher, certifier, registry, vendor.");
        }

        var roles = ParseRoles(string.Join(',', roleArray.Select(r => (string?)r)));
        return new TrustedKey
        {
            KeyId = actual,
            Name = Str("name"),
            Roles = roles,
            PublicKey = publicKey,
            Added = Date(node, "added", where) ?? DateTimeOffset.MinValue,
            Revoked = Date(node, "revoked", where),
        };
    }

    private static DateTimeOffset? Date(JsonObject node, string field, string where)
    {
        var value = node[field];
        if (value is null)
        {
            return null;
        }

        return value is JsonValue v && v.TryGetValue<DateTimeOffset>(out var date)
            ? date
            : throw new TrustException($"{where}.{field}: expected an ISO 8601 date, such as 2026-11-27T10:00:00Z.");
    }

    private static bool Bool(JsonObject root, string field, string path)
    {
        var value = root[field];
        if (value is null)
        {
            return false;
        }

        return value is JsonValue v && v.TryGetValue<bool>(out var b) ? b : throw new TrustException($"{path}: field '{field}' must be true or false.");
    }
}
