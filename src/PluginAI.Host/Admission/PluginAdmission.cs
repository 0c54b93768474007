using Microsoft.Extensions.Logging;
using PluginAI.Hardware;
using PluginAI.Manifest.Compatibility;
using PluginAI.Licensing;
using PluginAI.Manifest;
using PluginAI.Trust;
using PluginAI.Trust.Certification;
using PluginAI.Trust.Content;
using PluginAI.Trust.Licensing;

namespace PluginAI.Host.Admission;

/// <summary>
/// Decides whether a discovered plugin folder may be loaded: manifest, compatibility with the host API and this machine
/// (choosing the build), trust (signature and every file), certification and licence. One decision, with its reasons
/// on the record.
/// </summary>
internal sealed class PluginAdmission(PluginAIPaths paths, PluginHostOptions options, HardwareProfile hardware, TrustPolicy trustPolicy, ILogger logger)
{
    public async Task<AdmissionResult> AdmitAsync(string folder, string source, Func<string, PluginRecord?> loadedWithId, CancellationToken cancellationToken)
    {
        var manifestPath = Path.Combine(folder, PluginManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            return Refuse(new PluginRecord(Path.GetFileName(folder), folder, source), PluginStatus.Invalid, $"{manifestPath}: no {PluginManifest.FileName}; expected a plugin folder with a manifest");
        }

        var read = await ManifestReader.ReadFileAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        var warnings = read.Warnings.Select(w => $"warning: {w}").ToList();
        if (!read.IsValid)
        {
            var invalid = new PluginRecord(Path.GetFileName(folder), folder, source) { Details = [.. read.Errors.Select(e => e.ToString()), .. warnings] };
            return Refuse(invalid, PluginStatus.Invalid, read.Errors[0].ToString());
        }

        var manifest = read.Manifest;
        var record = new PluginRecord(manifest.Id, folder, source) { Manifest = manifest, Details = warnings };
        if (loadedWithId(manifest.Id) is { } existing)
        {
            return Refuse(record, PluginStatus.Duplicate, record.DuplicateOf(existing));
        }

        var compatibility = CompatibilityChecker.Check(manifest, hardware);
        record.Compatibility = compatibility;
        record.Details = [.. warnings, .. compatibility.Notes.Select(n => $"note: {n}"), .. (manifest.Variants.Count > 0 ? compatibility.Decisions.Select(Describe) : [])];
        if (!compatibility.IsCompatible)
        {
            return Refuse(record, PluginStatus.Incompatible, string.Join("; ", compatibility.Problems));
        }

        if (ChooseVariant(record, manifest, compatibility, folder) is not { } chosen)
        {
            return Refuse(record, PluginStatus.Incompatible, "the builds that fit this machine are not installed; only " + string.Join(", ", compatibility.Decisions.Where(d => !d.Fits).Select(d => $"'{d.Build}' ({string.Join("; ", d.Problems)})")));
        }

        var variant = chosen.Variant;
        record.Variant = variant?.Name;
        if (await VerifyAsync(record, folder, source, cancellationToken).ConfigureAwait(false) is { } untrusted)
        {
            return Refuse(record, PluginStatus.Untrusted, untrusted);
        }

        if (manifest.Kinds.Contains(PluginKind.Backend))
        {
            record.Certifications = EvaluateCertification(manifest, record.Directory);
            var policy = options.RequireCertified && !trustPolicy.RequireCertified ? CopyRequiringCertification(trustPolicy) : trustPolicy;
            if (!CertificationEvaluator.IsAllowed(record.Certifications, policy))
            {
                return Refuse(record, PluginStatus.Uncertified, "certified backends are required (" + (options.RequireCertified ? "--require-certified" : $"requireCertified in {trustPolicy.Path}") + "): "
                    + string.Join("; ", record.Certifications.Select(c => $"{c.Device}: {c.Reason}")));
            }
        }

        if (manifest.Licensing.Model != LicensingModel.Free)
        {
            record.License = EvaluateLicense(manifest);
            if (!record.License.IsUsable)
            {
                return Refuse(record, PluginStatus.Unlicensed, record.License.Reason ?? $"no usable licence for {manifest.Licensing.ProductCode}");
            }
        }

        var entry = variant?.Entry ?? manifest.Entry;
        var entryFolder = variant?.Path is { } sub ? Path.Combine(folder, sub) : folder;
        return new AdmissionResult(record, manifestPath, entry, entryFolder);
    }

    private static AdmissionResult Refuse(PluginRecord record, PluginStatus status, string reason)
    {
        record.Status = status;
        record.Reason = reason;
        return new AdmissionResult(record, null, null, null);
    }

    private static (PluginVariant? Variant, bool Found)? ChooseVariant(PluginRecord record, PluginManifest manifest, CompatibilityReport compatibility, string folder)
    {
        // A package may declare variants whose files it does not carry (a CPU-only download of a plugin with a CUDA
        // build): take the first fitting build whose files are present.
        foreach (var decision in compatibility.Decisions.Where(d => d.Fits))
        {
            var candidate = manifest.Variants.FirstOrDefault(v => v.Name == decision.Build);
            if (candidate?.Path is { } candidatePath && !Directory.Exists(Path.Combine(folder, candidatePath)))
            {
                record.Details = [.. record.Details, $"build '{candidate.Name}': fits this machine, but its files ({candidatePath}) are not installed"];
                continue;
            }

            return (candidate, true);
        }

        return null;
    }

    private async Task<string?> VerifyAsync(PluginRecord record, string folder, string source, CancellationToken cancellationToken)
    {
        if (source == "bundled" && !options.VerifyBundledPlugins)
        {
            record.Trust = "bundled with PluginAI";
            return null;
        }

        var verification = await Task.Run(
            () => PluginContentVerifier.VerifyDirectory(
                folder,
                trustPolicy,
                new ContentVerificationOptions { AllowUnsigned = options.AllowUnsigned, ExpectPresent = ContentVerificationOptions.BaseAndVariant(record.Variant) },
                [PluginHost.InstallReceiptFileName],
                cancellationToken),
            cancellationToken).ConfigureAwait(false);
        record.Trust = verification.Summary[(verification.Source.Length + 2)..];
        record.Publisher = verification.Publisher is { } publisher ? $"{publisher.Name} ({publisher.KeyId})" : null;
        if (!verification.IsAccepted)
        {
            return string.Join("; ", verification.Problems.Where(p => !p.Allowed));
        }

        if (verification.Status == ContentVerificationStatus.AllowedUnverified)
        {
            logger.LogWarning("Loading {PluginId} without a trusted signature: {Trust}", record.Id, record.Trust);
        }

        return null;
    }

    private PluginLicense EvaluateLicense(PluginManifest manifest)
    {
        try
        {
            var now = (options.TimeProvider ?? TimeProvider.System).GetUtcNow();
            return new LicenseEvaluator(options.MachineIdentity).Evaluate(manifest, new LicenseStore(paths.Home), trustPolicy, now);
        }
        catch (TrustException ex)
        {
            return new PluginLicense { Model = manifest.Licensing.Model, Status = PluginLicenseStatus.Invalid, Reason = ex.Message, Product = manifest.Licensing.ProductCode };
        }
    }

    private IReadOnlyList<DeviceCertification> EvaluateCertification(PluginManifest manifest, string directory)
    {
        var records = new List<SignedEnvelope>();
        try
        {
            records.AddRange(new CertificationStore(paths.Home).Envelopes(manifest.Id));
        }
        catch (TrustException ex)
        {
            logger.LogWarning("Cannot read the certification records of {PluginId}: {Reason}", manifest.Id, ex.Message);
        }

        for (var i = 0; i < manifest.Certifications.Count; i++)
        {
            try
            {
                records.Add(CertificationRecords.ToEnvelope(manifest.Certifications[i], $"{Path.Combine(directory, PluginManifest.FileName)}: certifications[{i}]"));
            }
            catch (TrustException ex)
            {
                logger.LogWarning("Ignoring a certification record of {PluginId}: {Reason}", manifest.Id, ex.Message);
            }
        }

        var now = (options.TimeProvider ?? TimeProvider.System).GetUtcNow();
        return CertificationEvaluator.Evaluate(manifest.Id, manifest.Version, records, hardware, trustPolicy, now);
    }

    private static TrustPolicy CopyRequiringCertification(TrustPolicy policy) =>
        new(policy.Keys, policy.Path) { AllowUnsigned = policy.AllowUnsigned, RequireCertified = true };

    private static string Describe(BuildDecision decision) => decision switch
    {
        { Chosen: true } => $"build '{decision.Build}': chosen",
        { Fits: true } => $"build '{decision.Build}': fits, but an earlier build was chosen",
        _ => $"build '{decision.Build}': not usable: {string.Join("; ", decision.Problems)}",
    };
}
