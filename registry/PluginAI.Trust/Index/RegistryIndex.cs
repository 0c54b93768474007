using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PluginAI.Manifest;

namespace PluginAI.Trust.Index;

/// <summary>
/// A registry's signed index: every package version it serves with the SHA-256 of its <c>.nupkg</c>, a version number
/// that only grows, and an expiry, so a mirror cannot serve an old index (rollback) or keep serving one forever (freeze).
/// </summary>
public sealed partial record RegistryIndex
{
    /// <summary>The format tag of the index payload.</summary>
    public const string Format = "pluginai-index/1";

    /// <summary>Gets the registry's name, such as <c>pluginai.example.org</c>.</summary>
    public required string Registry { get; init; }

    /// <summary>Gets the index version; every new index of a registry has a higher one.</summary>
    public required long Version { get; init; }

    /// <summary>Gets when the index was issued.</summary>
    public required DateTimeOffset Issued { get; init; }

    /// <summary>Gets when the index stops being valid.</summary>
    public required DateTimeOffset Expires { get; init; }

    /// <summary>Gets the package versions.</summary>
    public IReadOnlyList<RegistryIndexEntry> Packages { get; init; } = [];

    /// <summary>Parses an index payload.</summary>
    /// <param name="payload">The JSON bytes.</param>
    /// <param name="source">The file or URL, for messages.</param>
    /// <returns>The index.</returns>
    /// <exception cref="TrustException">The payload is malformed; the message names the field.</exception>
    public static RegistryIndex Parse(ReadOnlySpan<byte> payload, string source)
    {
        var root = TrustFields.ParseObject(payload, source, $"a registry index with format '{Format}'");
        TrustFields.RequireFormat(root, Format, source);
        var packages = new List<RegistryIndexEntry>();
        var array = TrustFields.Array(root, "packages", source, required: true);
        for (var i = 0; i < array.Count; i++)
        {
            var where = $"{source}: packages[{i}]";
            var node = array[i] as JsonObject ?? throw new TrustException($"{where}: expected an object with id, version, sha256 and listed.");
            var sha = TrustFields.String(node, "sha256", where);
            if (!Sha256Pattern().IsMatch(sha))
            {
                throw new TrustException($"{where}: field 'sha256' must be 64 lower-case hex digits.");
            }

            packages.Add(new RegistryIndexEntry(TrustFields.String(node, "id", where), TrustFields.String(node, "version", where), sha, TrustFields.Bool(node, "listed", where, fallback: true)));
        }

        var index = new RegistryIndex
        {
            Registry = TrustFields.String(root, "registry", source),
            Version = TrustFields.Long(root, "version", source, min: 1),
            Issued = TrustFields.Date(root, "issued", source),
            Expires = TrustFields.Date(root, "expires", source),
            Packages = packages,
        };
        if (index.Expires <= index.Issued)
        {
            throw new TrustException($"{source}: field 'expires' ({TrustFields.Time(index.Expires)}) must be after 'issued' ({TrustFields.Time(index.Issued)}).");
        }

        return index;
    }

    /// <summary>Verifies a signed index against the trust policy (a <see cref="KeyRole.Registry"/> key) and parses it.</summary>
    /// <param name="envelope">The signed index.</param>
    /// <param name="policy">The trust policy.</param>
    /// <param name="source">The file or URL, for messages.</param>
    /// <param name="signer">The trusted key that signed it.</param>
    /// <returns>The index; its freshness is checked by <see cref="RegistryIndexState.Accept"/>.</returns>
    /// <exception cref="TrustException">A bad or untrusted signature, or a malformed payload.</exception>
    public static RegistryIndex Verify(SignedEnvelope envelope, TrustPolicy policy, string source, out TrustedKey signer)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        signer = envelope.Verify(policy, SignedEnvelope.IndexPayloadType, KeyRole.Registry, source);
        return Parse(envelope.Payload.Span, source);
    }

    /// <summary>Writes the payload bytes.</summary>
    /// <returns>The JSON bytes that get signed.</returns>
    public byte[] ToJson()
    {
        var packages = new JsonArray();
        foreach (var p in Packages)
        {
            packages.Add(new JsonObject { ["id"] = p.Id, ["version"] = p.Version, ["sha256"] = p.Sha256, ["listed"] = p.Listed });
        }

        var root = new JsonObject
        {
            ["format"] = Format,
            ["registry"] = Registry,
            ["version"] = Version,
            ["issued"] = TrustFields.Time(Issued),
            ["expires"] = TrustFields.Time(Expires),
            ["packages"] = packages,
        };
        return JsonSerializer.SerializeToUtf8Bytes(root, TrustJson.Compact);
    }

    /// <summary>Signs the index.</summary>
    /// <param name="key">The registry key, with its private part.</param>
    /// <returns>The envelope to publish.</returns>
    public SignedEnvelope Sign(SigningKey key) => SignedEnvelope.Sign(SignedEnvelope.IndexPayloadType, ToJson(), key);

    /// <summary>Finds a package version; ids compare without regard to case, versions as semantic versions.</summary>
    /// <param name="id">The package id.</param>
    /// <param name="version">The version.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    public RegistryIndexEntry? FindPackage(string id, string version)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(version);
        SemanticVersion.TryParse(version, out var wanted);
        return Packages.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase)
            && (string.Equals(p.Version, version, StringComparison.OrdinalIgnoreCase)
                || (wanted is not null && SemanticVersion.TryParse(p.Version, out var v) && v == wanted)));
    }

    /// <summary>Checks a downloaded package against the index.</summary>
    /// <param name="id">The package id.</param>
    /// <param name="version">The version.</param>
    /// <param name="package">The <c>.nupkg</c> content, read to its end.</param>
    /// <param name="source">The downloaded file or URL, for messages.</param>
    /// <returns>The index entry.</returns>
    /// <exception cref="TrustException">The package is not in the index or its SHA-256 differs.</exception>
    public RegistryIndexEntry VerifyPackage(string id, string version, Stream package, string source)
    {
        ArgumentNullException.ThrowIfNull(package);
        var entry = FindPackage(id, version) ?? throw new TrustException($"{source}: {id} {version} is not in the index of {Registry} (version {Version}); the registry does not vouch for it.");
        var actual = Convert.ToHexStringLower(SHA256.HashData(package));
        return string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase)
            ? entry
            : throw new TrustException($"{source}: SHA-256 is {actual}, the index of {Registry} (version {Version}) says {entry.Sha256} for {id} {version}; the download was altered or corrupted.");
    }

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Pattern();
}
