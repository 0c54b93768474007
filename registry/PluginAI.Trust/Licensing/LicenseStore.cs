namespace PluginAI.Trust.Licensing;

/// <summary>The licenses of this machine: one file per license id in <c>&lt;home&gt;/licences/</c>, beside the trial and clock records.</summary>
public sealed class LicenseStore
{
    /// <summary>The store's folder name inside the PluginAI home.</summary>
    public const string DirectoryName = "licences";

    /// <summary>The extension of license files in the store.</summary>
    public const string FileExtension = ".licence.json";

    /// <summary>Initializes a new instance of the <see cref="LicenseStore"/> class.</summary>
    /// <param name="home">The PluginAI home; the store is its <c>licences</c> folder.</param>
    public LicenseStore(string home)
    {
        ArgumentException.ThrowIfNullOrEmpty(home);
        Directory = System.IO.Path.Combine(home, DirectoryName);
        ClockCopyPath = System.IO.Path.Combine(home, "data", "licence-clock.json");
        TrialsCopyPath = System.IO.Path.Combine(home, "data", "licence-trials.json");
    }

    /// <summary>Gets the store's folder.</summary>
    public string Directory { get; }

    /// <summary>Gets the file that records when each product's trial started.</summary>
    public string TrialsPath => System.IO.Path.Combine(Directory, "trials.json");

    /// <summary>
    /// Gets the second record of when each product's trial started, in the home's <c>data</c> folder, so that deleting
    /// <see cref="TrialsPath"/> alone does not start a fresh trial.
    /// </summary>
    public string TrialsCopyPath { get; }

    /// <summary>Gets the file that records the latest time seen, against clock rollback.</summary>
    public string ClockPath => System.IO.Path.Combine(Directory, "clock.json");

    /// <summary>
    /// Gets the second copy of the latest time seen, in the home's <c>data</c> folder, so that deleting <see cref="ClockPath"/>
    /// alone does not reset clock-rollback detection.
    /// </summary>
    public string ClockCopyPath { get; }

    /// <summary>Reads a license file and checks its signature by a non-revoked key of the trust policy.</summary>
    /// <param name="path">The license file.</param>
    /// <param name="policy">The trust policy.</param>
    /// <returns>The envelope, the claims and the key that signed it.</returns>
    /// <exception cref="TrustException">The file is missing, malformed, altered, or signed by an unknown or revoked key.</exception>
    public static (SignedEnvelope Envelope, LicenseClaims Claims, TrustedKey Signer) Read(string path, TrustPolicy policy)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(policy);
        var envelope = SignedEnvelope.Load(path);
        var claims = ReadClaims(envelope, path);
        return (envelope, claims, LicenseEvaluator.CheckSignature(envelope, policy, path, vendorKeyId: null));
    }

    /// <summary>Adds a license: checks it, then copies it into the store as <c>&lt;licenseId&gt;.licence.json</c>, replacing an older copy.</summary>
    /// <param name="licenseFile">The license file the vendor sent.</param>
    /// <param name="policy">The trust policy, which must hold the vendor key.</param>
    /// <returns>The stored license.</returns>
    /// <exception cref="TrustException">The license is malformed, altered or signed by an unknown or revoked key.</exception>
    public StoredLicense Add(string licenseFile, TrustPolicy policy)
    {
        var (envelope, claims, _) = Read(licenseFile, policy);
        var target = PathOf(claims.LicenseId);
        AtomicFile.WriteAllBytes(target, File.ReadAllBytes(licenseFile));
        return new StoredLicense(target, envelope, claims, null);
    }

    /// <summary>Lists the license files; unreadable ones are listed with their error, not thrown.</summary>
    /// <returns>The licenses, by file name.</returns>
    public IReadOnlyList<StoredLicense> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var result = new List<StoredLicense>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + FileExtension).Order(StringComparer.Ordinal))
        {
            try
            {
                var envelope = SignedEnvelope.Load(path);
                try
                {
                    result.Add(new StoredLicense(path, envelope, ReadClaims(envelope, path), null));
                }
                catch (TrustException ex)
                {
                    result.Add(new StoredLicense(path, envelope, null, ex.Message));
                }
            }
            catch (Exception ex) when (ex is TrustException or IOException or UnauthorizedAccessException)
            {
                result.Add(new StoredLicense(path, null, null, ex.Message));
            }
        }

        return result;
    }

    /// <summary>Removes a license.</summary>
    /// <param name="licenseId">The license id.</param>
    /// <returns>Whether a file was removed.</returns>
    public bool Remove(string licenseId)
    {
        var path = PathOf(licenseId);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>Gets the file a license id is kept in.</summary>
    /// <param name="licenseId">The license id.</param>
    /// <returns>The path.</returns>
    /// <exception cref="TrustException">The id is not valid.</exception>
    public string PathOf(string licenseId)
    {
        ArgumentNullException.ThrowIfNull(licenseId);
        return LicenseClaims.IsValidLicenseId(licenseId)
            ? System.IO.Path.Combine(Directory, licenseId + FileExtension)
            : throw new TrustException($"'{licenseId}' is not a licence id; expected letters, digits, '.', '_' or '-'.");
    }

    private static LicenseClaims ReadClaims(SignedEnvelope envelope, string path) =>
        envelope.PayloadType == SignedEnvelope.LicensePayloadType
            ? LicenseClaims.Parse(envelope.Payload.Span, path)
            : throw new TrustException($"{path}: the envelope holds '{envelope.PayloadType}', expected a licence '{SignedEnvelope.LicensePayloadType}'.");
}
