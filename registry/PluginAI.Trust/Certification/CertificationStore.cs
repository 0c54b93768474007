using System.Security.Cryptography;

namespace PluginAI.Trust.Certification;

/// <summary>
/// The certification records this machine holds, one file per record at
/// <c>&lt;home&gt;/certifications/&lt;pluginId&gt;/&lt;certifier&gt;-&lt;sha-prefix&gt;.json</c>, where the prefix is the first
/// 12 hex digits of the SHA-256 of the signed payload.
/// </summary>
public sealed class CertificationStore
{
    /// <summary>The folder of the store inside the PluginAI home.</summary>
    public const string FolderName = "certifications";

    /// <summary>Initializes a new instance of the <see cref="CertificationStore"/> class.</summary>
    /// <param name="home">The PluginAI home folder.</param>
    public CertificationStore(string home)
    {
        ArgumentException.ThrowIfNullOrEmpty(home);
        Root = System.IO.Path.Combine(home, FolderName);
    }

    /// <summary>Gets the store's folder.</summary>
    public string Root { get; }

    /// <summary>Verifies a record against the trust policy and stores it; the same record added twice is stored once.</summary>
    /// <param name="record">The signed record.</param>
    /// <param name="policy">The trust policy; the record's key must be trusted as certifier and not revoked.</param>
    /// <param name="now">The current time; an expired record is refused.</param>
    /// <param name="source">The file the record came from, for error messages.</param>
    /// <returns>The stored record.</returns>
    /// <exception cref="TrustException">The record is malformed, untrusted, altered or expired; the message says which.</exception>
    public StoredCertification Add(SignedEnvelope record, TrustPolicy policy, DateTimeOffset now, string source = "certification record")
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(policy);
        if (record.PayloadType != SignedEnvelope.CertificationPayloadType)
        {
            throw new TrustException($"{source}: the envelope holds '{record.PayloadType}', expected '{SignedEnvelope.CertificationPayloadType}'.");
        }

        var payload = CertificationPayload.Parse(record.Payload.Span, source);
        record.Verify(policy, SignedEnvelope.CertificationPayloadType, KeyRole.Certifier, source);
        if (payload.Expires <= now)
        {
            throw new TrustException($"{source}: the record by {payload.Certifier} expired on {CertificationPayload.FormatDate(payload.Expires)}.");
        }

        var path = PathFor(payload, record);
        AtomicFile.WriteAllBytes(path, record.ToJson());
        return new StoredCertification(path, record, payload, null);
    }

    /// <summary>Reads a record file and adds it (<see cref="Add(SignedEnvelope, TrustPolicy, DateTimeOffset, string)"/>).</summary>
    /// <param name="file">The envelope file.</param>
    /// <param name="policy">The trust policy.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The stored record.</returns>
    /// <exception cref="TrustException">The file is missing, malformed, untrusted, altered or expired.</exception>
    public StoredCertification AddFile(string file, TrustPolicy policy, DateTimeOffset now) => Add(SignedEnvelope.Load(file), policy, now, file);

    /// <summary>Lists the records stored for a plugin, in file-name order; files that cannot be read are listed with their error.</summary>
    /// <param name="pluginId">The plugin id.</param>
    /// <returns>The records.</returns>
    public IReadOnlyList<StoredCertification> List(string pluginId)
    {
        var folder = PluginFolder(pluginId);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var result = new List<StoredCertification>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                var envelope = SignedEnvelope.Load(file);
                try
                {
                    result.Add(new StoredCertification(file, envelope, CertificationPayload.Parse(envelope.Payload.Span, file), null));
                }
                catch (TrustException ex)
                {
                    result.Add(new StoredCertification(file, envelope, null, ex.Message));
                }
            }
            catch (Exception ex) when (ex is TrustException or IOException or UnauthorizedAccessException)
            {
                result.Add(new StoredCertification(file, null, null, ex.Message));
            }
        }

        return result;
    }

    /// <summary>Gets the signed records stored for a plugin, to pass to <see cref="CertificationEvaluator.Evaluate"/>.</summary>
    /// <param name="pluginId">The plugin id.</param>
    /// <returns>The envelopes of the files that are envelopes.</returns>
    public IReadOnlyList<SignedEnvelope> Envelopes(string pluginId) =>
        [.. List(pluginId).Where(s => s.Envelope is not null).Select(s => s.Envelope!)];

    /// <summary>Removes the records stored for a plugin, all of them or those of one certifier.</summary>
    /// <param name="pluginId">The plugin id.</param>
    /// <param name="certifier">The certifier whose records to remove; <see langword="null"/> for every record of the plugin.</param>
    /// <returns>The files removed.</returns>
    public IReadOnlyList<string> Remove(string pluginId, string? certifier = null)
    {
        var removed = new List<string>();
        foreach (var stored in List(pluginId))
        {
            var matches = certifier is null
                || (stored.Payload is { } p ? string.Equals(p.Certifier, certifier, StringComparison.OrdinalIgnoreCase)
                    : System.IO.Path.GetFileName(stored.Path).StartsWith(certifier + "-", StringComparison.OrdinalIgnoreCase));
            if (matches)
            {
                File.Delete(stored.Path);
                removed.Add(stored.Path);
            }
        }

        var folder = PluginFolder(pluginId);
        if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
        }

        return removed;
    }

    /// <summary>Gets the file a record is stored in.</summary>
    /// <param name="payload">The record's payload.</param>
    /// <param name="record">The signed record.</param>
    /// <returns>The path.</returns>
    public string PathFor(CertificationPayload payload, SignedEnvelope record)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(record);
        var prefix = Convert.ToHexStringLower(SHA256.HashData(record.Payload.Span))[..12];
        return System.IO.Path.Combine(PluginFolder(payload.PluginId), $"{payload.Certifier}-{prefix}.json");
    }

    private string PluginFolder(string pluginId)
    {
        ArgumentException.ThrowIfNullOrEmpty(pluginId);
        if (pluginId.IndexOfAny(['/', '\\', ':']) >= 0 || pluginId is "." or ".." || pluginId.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new TrustException($"'{pluginId}' is not a plugin id; expected letters, digits, '.', '_' or '-'.");
        }

        return System.IO.Path.Combine(Root, pluginId);
    }
}
