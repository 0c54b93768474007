using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PluginAI.Trust.Index;

/// <summary>
/// The newest registry index accepted from each source, kept in <c>&lt;home&gt;/index-state.json</c>, so that an older
/// index (rollback) or an expired one (freeze) is refused.
/// </summary>
public sealed class RegistryIndexState
{
    /// <summary>The format tag of the state file.</summary>
    public const string FileFormat = "pluginai-index-state/1";

    /// <summary>The state's file name inside the PluginAI home.</summary>
    public const string FileName = "index-state.json";

    private readonly Dictionary<string, RegistryIndexRecord> _records;

    private RegistryIndexState(string path, Dictionary<string, RegistryIndexRecord> records)
    {
        Path = path;
        _records = records;
    }

    /// <summary>Gets how far in the future an index's issue time may be, to allow for clocks that differ slightly.</summary>
    public static TimeSpan AllowedClockSkew { get; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets the state file.</summary>
    public string Path { get; }

    /// <summary>Gets the records by source key.</summary>
    public IReadOnlyDictionary<string, RegistryIndexRecord> Records => _records;

    /// <summary>Loads the state file; a missing file is an empty state kept at that path.</summary>
    /// <param name="path">The file, usually <c>&lt;home&gt;/index-state.json</c>.</param>
    /// <returns>The state.</returns>
    /// <exception cref="TrustException">The file is corrupt; the message names it and the field. It is never silently reset.</exception>
    public static RegistryIndexState Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var records = new Dictionary<string, RegistryIndexRecord>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return new RegistryIndexState(path, records);
        }

        var root = TrustFields.ParseObject(File.ReadAllBytes(path), path, $"the registry index state with format '{FileFormat}'");
        TrustFields.RequireFormat(root, FileFormat, path);
        if (root["sources"] is not JsonObject sources)
        {
            throw new TrustException($"{path}: field 'sources' is required and must be an object keyed by registry source.");
        }

        foreach (var (key, value) in sources)
        {
            var where = $"{path}: sources['{key}']";
            var node = value as JsonObject ?? throw new TrustException($"{where}: expected an object with registry, version, issued, sha256 and accepted.");
            records[key] = new RegistryIndexRecord(
                TrustFields.String(node, "registry", where),
                TrustFields.Long(node, "version", where, min: 1),
                TrustFields.Date(node, "issued", where),
                TrustFields.String(node, "sha256", where),
                TrustFields.Date(node, "accepted", where));
        }

        return new RegistryIndexState(path, records);
    }

    /// <summary>
    /// Verifies a signed index from a source, checks that it is fresh and not older than one already seen, records it
    /// and saves the state file.
    /// </summary>
    /// <param name="sourceKey">The registry source, such as its feed URL; records are kept per source.</param>
    /// <param name="envelope">The signed index.</param>
    /// <param name="policy">The trust policy, which must trust the signer as a registry key.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The accepted index.</returns>
    /// <exception cref="TrustException">A bad or untrusted signature, an expired index, one issued in the future, one older than an index already seen, or one with the same version as the index already seen but different content.</exception>
    public RegistryIndex Accept(string sourceKey, SignedEnvelope envelope, TrustPolicy policy, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceKey);
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(policy);
        var index = RegistryIndex.Verify(envelope, policy, sourceKey, out _);
        if (now >= index.Expires)
        {
            throw new TrustException($"{sourceKey}: the index of {index.Registry} (version {index.Version}) expired at {TrustFields.Time(index.Expires)}; it is {TrustFields.Time(now)} now. The registry or a mirror is serving a stale index; try again later or use another mirror.");
        }

        if (index.Issued > now + AllowedClockSkew)
        {
            throw new TrustException($"{sourceKey}: the index of {index.Registry} (version {index.Version}) was issued at {TrustFields.Time(index.Issued)}, later than now ({TrustFields.Time(now)}) by more than {AllowedClockSkew.TotalMinutes:0} minutes; check the system clock.");
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(envelope.Payload.Span));
        if (_records.TryGetValue(sourceKey, out var seen))
        {
            if (index.Version < seen.Version)
            {
                throw new TrustException($"{sourceKey}: the index has version {index.Version}, lower than version {seen.Version} (issued {TrustFields.Time(seen.Issued)}) already seen; the index was rolled back, refusing it.");
            }

            if (index.Version == seen.Version && !string.Equals(sha, seen.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new TrustException($"{sourceKey}: the index has version {index.Version}, the same as the index already seen, but different content; a registry never reissues a version, refusing it.");
            }
        }

        _records[sourceKey] = new RegistryIndexRecord(index.Registry, index.Version, index.Issued, sha, now);
        Save();
        return index;
    }

    /// <summary>
    /// Accepts a registry's current index even when its version is lower than the one already seen: the user's explicit
    /// acceptance of a registry that was reset (<c>pluginai sources reset-index</c>). The signature, the registry key's
    /// trust, expiry and issue time are checked as <see cref="Accept"/> does; only the rollback check is waived.
    /// </summary>
    /// <param name="sourceKey">The registry source.</param>
    /// <param name="envelope">The signed index the source serves now.</param>
    /// <param name="policy">The trust policy, which must trust the signer as a registry key.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The record replaced, or <see langword="null"/> when none was kept, and the index accepted.</returns>
    /// <exception cref="TrustException">A bad or untrusted signature, an expired index, or one issued in the future.</exception>
    public (RegistryIndexRecord? Previous, RegistryIndex Accepted) Reset(string sourceKey, SignedEnvelope envelope, TrustPolicy policy, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceKey);
        _records.Remove(sourceKey, out var previous);
        try
        {
            return (previous, Accept(sourceKey, envelope, policy, now));
        }
        catch (TrustException)
        {
            if (previous is not null)
            {
                _records[sourceKey] = previous;
            }

            throw;
        }
    }

    private void Save()
    {
        var sources = new JsonObject();
        foreach (var (key, r) in _records.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            sources[key] = new JsonObject
            {
                ["registry"] = r.Registry,
                ["version"] = r.Version,
                ["issued"] = TrustFields.Time(r.Issued),
                ["sha256"] = r.Sha256,
                ["accepted"] = TrustFields.Time(r.Accepted),
            };
        }

        var root = new JsonObject { ["format"] = FileFormat, ["sources"] = sources };
        AtomicFile.WriteAllBytes(Path, JsonSerializer.SerializeToUtf8Bytes(root, TrustJson.Indented));
    }
}
