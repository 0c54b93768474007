using PluginAI.Hardware;
using PluginAI.Manifest;
using PluginAI.Trust;
using PluginAI.Trust.Certification;

namespace PluginAI.Registry;

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
