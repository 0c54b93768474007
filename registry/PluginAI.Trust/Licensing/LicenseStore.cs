namespace PluginAI.Trust.Licensing;

/// <summary>The licences of this machine: one file per licence id in <c>&lt;home&gt;/licences/</c>, beside the trial and clock records.</summary>
public sealed class LicenceStore
{
    /// <summary>The store's folder name inside the PluginAI home.</summary>
    public const string DirectoryName = "licences";

    /// <summary>The extension of licence files in the store.</summary>
    public const string FileExtension = ".licence.json";

    /// <summary>Initializes a new instance of the <see cref="LicenceStore"/> class.</summary>
    /// <param name="home">The PluginAI home; the store is its <c>licences</c> folder.</param>
    public LicenceStore(string home)
    {
        ArgumentException.ThrowIfNullOrEmpty(home);
        Directory = System.IO.Path.Combine(home, DirectoryName);
    }

    /// <summary>Gets the store's folder.</summary>
    public string Directory { get; }

    /// <summary>Gets the file that records when each product's trial started.</summary>
    public string TrialsPath => System.IO.Path.Combine(Directory, "trials.json");

    /// <summary>Gets the file that records the latest time seen, against clock rollback.</summary>
    public string ClockPath => System.IO.Path.Combine(Directory, "clock.json");

    /// <summary>Reads a licence file and checks its signature by a non-revoked key of the trust policy.</summary>
    /// <param name="path">The licence file.</param>
    /// <param name="policy">The trust policy.</param>
    /// <returns>The envelope, the claims and the key that signed it.</returns>
    /// <exception cref="TrustException">The file is missing, malformed, altered, or signed by an unknown or revoked key.</exception>
    public static (SignedEnvelope Envelope, LicenceClaims Claims, TrustedKey Signer) Read(string path, TrustPolicy policy)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(policy);
        var envelope = SignedEnvelope.Load(path);
        var claims = ReadClaims(envelope, path);
        return (envelope, claims, LicenceEvaluator.CheckSignature(envelope, policy, path, vendorKeyId: null));
    }

    /// <summary>Adds a licence: checks it, then copies it into the store as <c>&lt;licenceId&gt;.licence.json</c>, replacing an older copy.</summary>
    /// <param name="licenceFile">The licence file the vendor sent.</param>
    /// <param name="policy">The trust policy, which must hold the vendor key.</param>
    /// <returns>The stored licence.</returns>
    /// <exception cref="TrustException">The licence is malformed, altered or signed by an unknown or revoked key.</exception>
    public StoredLicence Add(string licenceFile, TrustPolicy policy)
    {
        var (envelope, claims, _) = Read(licenceFile, policy);
        var target = PathOf(claims.LicenceId);
        AtomicFile.WriteAllBytes(target, File.ReadAllBytes(licenceFile));
        return new StoredLicence(target, envelope, claims, null);
    }

    /// <summary>Lists the licence files; unreadable ones are listed with their error, not thrown.</summary>
    /// <returns>The licences, by file name.</returns>
    public IReadOnlyList<StoredLicence> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var result = new List<StoredLicence>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + FileExtension).Order(StringComparer.Ordinal))
        {
            try
            {
                var envelope = SignedEnvelope.Load(path);
                try
                {
                    result.Add(new StoredLicence(path, envelope, ReadClaims(envelope, path), null));
                }
                catch (TrustException ex)
                {
                    result.Add(new StoredLicence(path, envelope, null, ex.Message));
                }
            }
            catch (Exception ex) when (ex is TrustException or IOException or UnauthorizedAccessException)
            {
                result.Add(new StoredLicence(path, null, null, ex.Message));
            }
        }

        return result;
    }

    /// <summary>Removes a licence.</summary>
    /// <param name="licenceId">The licence id.</param>
    /// <returns>Whether a file was removed.</returns>
    public bool Remove(string licenceId)
    {
        var path = PathOf(licenceId);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>Gets the file a licence id is kept in.</summary>
    /// <param name="licenceId">The licence id.</param>
    /// <returns>The path.</returns>
    /// <exception cref="TrustException">The id is not valid.</exception>
    public string PathOf(string licenceId)
    {
        ArgumentNullException.ThrowIfNull(licenceId);
        return LicenceClaims.IsValidLicenceId(licenceId)
            ? System.IO.Path.Combine(Directory, licenceId + FileExtension)
            : throw new TrustException($"'{licenceId}' is not a licence id; expected letters, digits, '.', '_' or '-'.");
    }

    private static LicenceClaims ReadClaims(SignedEnvelope envelope, string path) =>
        envelope.PayloadType == SignedEnvelope.LicencePayloadType
            ? LicenceClaims.Parse(envelope.Payload.Span, path)
            : throw new TrustException($"{path}: the envelope holds '{envelope.PayloadType}', expected a licence '{SignedEnvelope.LicencePayloadType}'.");
}
