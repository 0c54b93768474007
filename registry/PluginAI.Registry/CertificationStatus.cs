using PluginAI.Hardware;
using PluginAI.Manifest;
using PluginAI.Trust;
using PluginAI.Trust.Certification;

namespace PluginAI.Registry;

/// <summary>Whether a plugin is certified for this machine's hardware.</summary>
public enum CertificationStatus
{
    /// <summary>Nothing is known: no certification record exists for this plugin (in the manifest, the local store or the source).</summary>
    Unknown,

    /// <summary>A valid record of a trusted certifier covers this plugin version on at least one device of this machine.</summary>
    Certified,

    /// <summary>Records exist, but none is valid for this version on this machine: they cover other devices or versions, expired, or their signer is not a trusted certifier.</summary>
    NotCertified,
}

/// <summary>The certification of a plugin version on this machine, with the reason in plain words.</summary>
/// <param name="Status">The status.</param>
/// <param name="Reason">Why, such as <c>NVIDIA H200 (10de:2335): certified by nvidia until 2027-06-30 (suite 1.0.0)</c> or <c>CPU (Test CPU): no record covers CPU (Test CPU)</c>.</param>
/// <param name="Devices">The outcome per device of this machine; empty when the check does not evaluate devices.</param>
public sealed record CertificationVerdict(CertificationStatus Status, string Reason, IReadOnlyList<DeviceCertification> Devices);

/// <summary>Decides the certification status of a plugin on this machine.</summary>
public interface ICertificationCheck
{
    /// <summary>Checks a plugin with the records its manifest carries and any this check finds itself.</summary>
    /// <param name="manifest">The plugin's manifest.</param>
    /// <param name="hardware">This machine.</param>
    /// <returns>The status.</returns>
    CertificationStatus Check(PluginManifest manifest, HardwareProfile hardware);

    /// <summary>Checks a plugin with, in addition, the signed records a package source serves for it, and says why.</summary>
    /// <param name="manifest">The plugin's manifest.</param>
    /// <param name="hardware">This machine.</param>
    /// <param name="sourceRecords">Certification envelopes served by the source (<c>/pluginai/v1/certifications/{id}</c>); empty when it serves none.</param>
    /// <returns>The status and the reason.</returns>
    CertificationVerdict Evaluate(PluginManifest manifest, HardwareProfile hardware, IReadOnlyList<SignedEnvelope> sourceRecords)
    {
        var status = Check(manifest, hardware);
        return new CertificationVerdict(status, status switch
        {
            CertificationStatus.Certified => "certified",
            CertificationStatus.NotCertified => "not certified for this version or machine",
            _ => "no certification records",
        }, []);
    }
}

/// <summary>Reads the certification records the manifest carries without verifying their signatures; kept for callers that have no trust policy. <see cref="TrustedCertificationCheck"/> is the default.</summary>
public sealed class ManifestCertificationCheck : ICertificationCheck
{
    /// <summary>Gets the shared instance.</summary>
    public static ManifestCertificationCheck Instance { get; } = new();

    /// <inheritdoc />
    public CertificationStatus Check(PluginManifest manifest, HardwareProfile hardware)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(hardware);
        if (manifest.Certifications.Count == 0)
        {
            return CertificationStatus.Unknown;
        }

        var covered = manifest.Certifications.Any(c =>
            string.Equals(c.PluginId, manifest.Id, StringComparison.OrdinalIgnoreCase)
            && c.Versions.Contains(manifest.Version)
            && (c.Expires is null || c.Expires > DateTimeOffset.UtcNow)
            && (c.Devices.Count == 0 || c.Devices.Any(d => hardware.Accelerators.Any(a => string.Equals(a.Vendor, d.Vendor, StringComparison.OrdinalIgnoreCase)))));
        return covered ? CertificationStatus.Certified : CertificationStatus.NotCertified;
    }
}

/// <summary>
/// Decides certification as the host does (docs/registry.md, "Certification"): <see cref="CertificationEvaluator"/> over
/// the records embedded in the manifest, those in the local store (<c>&lt;home&gt;/certifications</c>) and those the
/// source serves, checked against the trust policy. A plugin is certified when a valid record of a trusted, unrevoked
/// certifier covers its version on at least one device of this machine.
/// </summary>
/// <remarks>Thread-safe; the trust policy is read once, on first use, when none is given.</remarks>
public sealed class TrustedCertificationCheck : ICertificationCheck
{
    private readonly Lazy<TrustPolicy> _policy;
    private readonly CertificationStore? _store;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="TrustedCertificationCheck"/> class.</summary>
    /// <param name="home">The PluginAI home whose <c>trust.json</c> and certification store are used; <see langword="null"/> for neither (then <paramref name="policy"/> is required).</param>
    /// <param name="policy">The trust policy; <see langword="null"/> to load <c>&lt;home&gt;/trust.json</c>.</param>
    /// <param name="timeProvider">The clock that decides expiry; <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentException">Neither a home nor a policy is given.</exception>
    public TrustedCertificationCheck(string? home, TrustPolicy? policy = null, TimeProvider? timeProvider = null)
    {
        if (home is null && policy is null)
        {
            throw new ArgumentException("Give a PluginAI home or a trust policy.", nameof(home));
        }

        _policy = policy is not null
            ? new Lazy<TrustPolicy>(policy)
            : new Lazy<TrustPolicy>(() => TrustPolicy.Load(Path.Combine(home!, TrustPolicy.FileName)), LazyThreadSafetyMode.ExecutionAndPublication);
        _store = home is null ? null : new CertificationStore(home);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public CertificationStatus Check(PluginManifest manifest, HardwareProfile hardware) => Evaluate(manifest, hardware, []).Status;

    /// <inheritdoc />
    /// <exception cref="TrustException">The trust policy file is malformed.</exception>
    public CertificationVerdict Evaluate(PluginManifest manifest, HardwareProfile hardware, IReadOnlyList<SignedEnvelope> sourceRecords)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(hardware);
        ArgumentNullException.ThrowIfNull(sourceRecords);
        var records = new List<SignedEnvelope>(sourceRecords);
        var problems = new List<string>();
        if (_store is not null)
        {
            try
            {
                records.AddRange(_store.Envelopes(manifest.Id));
            }
            catch (TrustException ex)
            {
                problems.Add($"the local certification store cannot be read: {ex.Message}");
            }
        }

        for (var i = 0; i < manifest.Certifications.Count; i++)
        {
            try
            {
                records.Add(CertificationRecords.ToEnvelope(manifest.Certifications[i], $"{PluginManifest.FileName}: certifications[{i}]"));
            }
            catch (TrustException ex)
            {
                problems.Add(ex.Message);
            }
        }

        if (records.Count == 0)
        {
            var none = problems.Count == 0 ? "no certification records" : $"no usable certification records ({string.Join("; ", problems)})";
            return new CertificationVerdict(CertificationStatus.Unknown, none, []);
        }

        var devices = CertificationEvaluator.Evaluate(manifest.Id, manifest.Version, records, hardware, _policy.Value, _time.GetUtcNow());
        var certified = devices.Where(d => d.Certified).ToList();
        var reason = string.Join("; ", (certified.Count > 0 ? certified : devices).Select(d => $"{d.Device}: {d.Reason}").Concat(problems));
        return new CertificationVerdict(certified.Count > 0 ? CertificationStatus.Certified : CertificationStatus.NotCertified, reason, devices);
    }
}
