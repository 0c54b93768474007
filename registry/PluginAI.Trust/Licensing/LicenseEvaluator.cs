using System.Text.Json;
using System.Text.Json.Nodes;
using PluginAI.Licensing;
using PluginAI.Manifest;

namespace PluginAI.Trust.Licensing;

/// <summary>
/// Decides, offline, whether a trial or paid plugin may run: finds its license in the store, checks the vendor's
/// signature, product, machine binding and expiry, runs the trial clock, and refuses when the system clock was set back.
/// </summary>
/// <param name="machine">The machine identity for bound licenses; <see langword="null"/> for <see cref="MachineIdentity.System"/>.</param>
public sealed class LicenseEvaluator(MachineIdentity? machine = null)
{
    /// <summary>The format tag of the trials file.</summary>
    public const string TrialsFormat = "pluginai-trials/1";

    /// <summary>The format tag of the clock file.</summary>
    public const string ClockFormat = "pluginai-clock/1";

    private readonly MachineIdentity _machine = machine ?? MachineIdentity.System;

    /// <summary>Gets how much earlier than the latest time seen the clock may be before it counts as set back.</summary>
    public static TimeSpan ClockTolerance { get; } = TimeSpan.FromMinutes(10);

    /// <summary>Evaluates a plugin's license state; records the latest time seen and, for a trial plugin without a license, the trial's start.</summary>
    /// <param name="manifest">The plugin's manifest.</param>
    /// <param name="store">The license store.</param>
    /// <param name="policy">The trust policy holding the vendor keys.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The state with a one-line reason; <see cref="PluginLicense.IsUsable"/> says whether the plugin may load.</returns>
    /// <exception cref="TrustException">The trials or clock file is corrupt; the message names it. It is never reset silently.</exception>
    public PluginLicense Evaluate(PluginManifest manifest, LicenseStore store, TrustPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policy);
        var licensing = manifest.Licensing;
        if (licensing.Model == LicensingModel.Free)
        {
            return PluginLicense.Free;
        }

        if (licensing.ProductCode is not { } product)
        {
            return State(licensing, PluginLicenseStatus.Invalid, $"{manifest.Id}: the manifest's licensing.productCode is missing; a {Name(licensing.Model)} plugin must name the product its licences are for");
        }

        if (CheckClock(store, now) is { } rollback)
        {
            return State(licensing, PluginLicenseStatus.ClockRollback, rollback);
        }

        PluginLicense? best = null;
        PluginLicense? wrongProduct = null;
        foreach (var stored in store.List())
        {
            if (stored.Claims is not { } claims || stored.Envelope is not { } envelope)
            {
                continue;
            }

            if (!string.Equals(claims.Product, product, StringComparison.OrdinalIgnoreCase))
            {
                if (wrongProduct is null && licensing.VendorKeyId is { } vendor && IsVendorKey(envelope.KeyId, vendor, policy))
                {
                    wrongProduct = EvaluateClaims(licensing, envelope, claims, stored.Path, policy, now);
                }

                continue;
            }

            var state = EvaluateClaims(licensing, envelope, claims, stored.Path, policy, now);
            if (best is null || Rank(state) < Rank(best) || (Rank(state) == Rank(best) && (state.Expires ?? DateTimeOffset.MaxValue) > (best.Expires ?? DateTimeOffset.MaxValue)))
            {
                best = state;
            }
        }

        if (best is { IsUsable: true })
        {
            return best;
        }

        if (licensing.Model == LicensingModel.Trial)
        {
            var trial = EvaluateTrial(manifest, licensing, product, store, now);
            if (trial.IsUsable || (best ?? wrongProduct) is null)
            {
                return trial;
            }
        }

        return best ?? wrongProduct ?? State(licensing, PluginLicenseStatus.Missing, $"no licence for product '{product}' in {store.Directory}; add the vendor's licence file with 'pluginai license add <file>'") with { Product = product };
    }

    /// <summary>Evaluates one license file against a plugin, without the store, the trial or the clock.</summary>
    /// <param name="manifest">The plugin's manifest.</param>
    /// <param name="licenseFile">The license file.</param>
    /// <param name="policy">The trust policy holding the vendor keys.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The state the license gives the plugin, <see cref="PluginLicenseStatus.WrongProduct"/> included.</returns>
    public PluginLicense EvaluateFile(PluginManifest manifest, string licenseFile, TrustPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentException.ThrowIfNullOrEmpty(licenseFile);
        ArgumentNullException.ThrowIfNull(policy);
        try
        {
            var envelope = SignedEnvelope.Load(licenseFile);
            if (envelope.PayloadType != SignedEnvelope.LicensePayloadType)
            {
                throw new TrustException($"{licenseFile}: the envelope holds '{envelope.PayloadType}', expected a licence '{SignedEnvelope.LicensePayloadType}'.");
            }

            return EvaluateClaims(manifest.Licensing, envelope, LicenseClaims.Parse(envelope.Payload.Span, licenseFile), licenseFile, policy, now);
        }
        catch (TrustException ex)
        {
            return State(manifest.Licensing, PluginLicenseStatus.Invalid, ex.Message);
        }
    }

    /// <summary>
    /// Lists what keeps a license that was just added from working on this machine: an expiry already past, a binding to
    /// another machine, a signing key that a plugin for its product does not name. The license is kept regardless; a user
    /// may add one ahead of a move.
    /// </summary>
    /// <param name="claims">The license's claims, its signature already checked.</param>
    /// <param name="signer">The trusted key that signed it.</param>
    /// <param name="plugins">The manifests of the plugins on this machine; those for other products are ignored.</param>
    /// <param name="policy">The trust policy holding the vendor keys.</param>
    /// <param name="now">The current time.</param>
    /// <returns>One sentence per problem, empty when the license works here.</returns>
    public IReadOnlyList<string> Review(LicenseClaims claims, TrustedKey signer, IEnumerable<PluginManifest> plugins, TrustPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(policy);
        var warnings = new List<string>();
        if (claims.Expires is { } expires && now >= expires)
        {
            warnings.Add($"the licence expired on {expires.UtcDateTime:yyyy-MM-dd} ({TrustFields.Time(expires)}); plugins refuse it until the vendor issues a new one");
        }

        if (claims.Machine is { } binding)
        {
            try
            {
                var machineId = _machine.GetMachineId();
                if (!binding.Matches(machineId, claims.Product))
                {
                    var here = MachineIdentity.ComputeBindingHash(binding.Salt, machineId, claims.Product);
                    warnings.Add($"the licence is bound to machine {binding.Salt}:{binding.Hash}, this machine is {binding.Salt}:{here}; plugins refuse it here until the vendor moves it to this machine ('pluginai license machine --product {claims.Product}' prints what to send)");
                }
            }
            catch (TrustException ex)
            {
                warnings.Add($"the licence is bound to machine {binding.Salt}:{binding.Hash}, and this machine's id cannot be read: {ex.Message}");
            }
        }

        var expected = plugins
            .Where(p => p.Licensing.Model != LicensingModel.Free && string.Equals(p.Licensing.ProductCode, claims.Product, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var namedKeys = expected.Select(p => p.Licensing.VendorKeyId).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (namedKeys.Count > 0 && !namedKeys.Any(k => IsVendorKey(signer.KeyId, k, policy)))
        {
            var names = string.Join(", ", expected.Where(p => p.Licensing.VendorKeyId is not null).Select(p => $"{p.Id} names '{p.Licensing.VendorKeyId}'"));
            warnings.Add($"the licence is signed by key {signer.KeyId} ({signer.Name}), but the plugins for product '{claims.Product}' name other keys in licensing.vendorKeyId ({names}); they refuse it");
        }
        else if (namedKeys.Count < expected.Count && (signer.Roles & KeyRole.Vendor) == 0)
        {
            warnings.Add($"the licence is signed by key {signer.KeyId} ({signer.Name}), which is trusted as {TrustedKey.FormatRoles(signer.Roles)}, not as vendor; plugins for product '{claims.Product}' refuse it");
        }

        return warnings;
    }

    /// <summary>Checks a license signature: a trusted, non-revoked key whose signature matches, and, for a plugin, its vendor key.</summary>
    internal static TrustedKey CheckSignature(SignedEnvelope envelope, TrustPolicy policy, string source, string? vendorKeyId, bool forPlugin = false)
    {
        var trusted = policy.Find(envelope.KeyId) ?? throw new TrustException(
            $"{source}: signed by key {envelope.KeyId}, which is not in the trust policy {policy.Path ?? "(in memory)"}; trust the vendor's key with 'pluginai keys trust <public key file> --role vendor'.");
        if (trusted.Revoked is { } revoked)
        {
            throw new TrustException($"{source}: signed by key {envelope.KeyId} ({trusted.Name}), which was revoked on {revoked:yyyy-MM-dd}.");
        }

        using (var key = trusted.CreateKey())
        {
            if (!envelope.IsSignedBy(key))
            {
                throw new TrustException($"{source}: the signature by key {envelope.KeyId} ({trusted.Name}) does not match the licence; it was altered or signed with another key.");
            }
        }

        if (!forPlugin)
        {
            return trusted;
        }

        if (vendorKeyId is not null)
        {
            return IsVendorKey(trusted.KeyId, vendorKeyId, policy)
                ? trusted
                : throw new TrustException($"{source}: signed by key {trusted.KeyId} ({trusted.Name}), but the plugin's manifest says its licences are signed by '{vendorKeyId}' (licensing.vendorKeyId).");
        }

        return (trusted.Roles & KeyRole.Vendor) != 0
            ? trusted
            : throw new TrustException($"{source}: key {trusted.KeyId} ({trusted.Name}) is trusted as {TrustedKey.FormatRoles(trusted.Roles)}, not as vendor; licences must be signed by a vendor key.");
    }

    private static bool IsVendorKey(string keyId, string vendorKeyId, TrustPolicy policy) =>
        string.Equals(keyId, vendorKeyId, StringComparison.OrdinalIgnoreCase)
        || (policy.Find(keyId) is { } k && string.Equals(k.Name, vendorKeyId, StringComparison.Ordinal));

    private static int Rank(PluginLicense state) => state.Status switch
    {
        PluginLicenseStatus.Licensed => 0,
        PluginLicenseStatus.Trial => 1,
        PluginLicenseStatus.Expired or PluginLicenseStatus.TrialExpired => 2,
        PluginLicenseStatus.WrongMachine => 3,
        _ => 4,
    };

    private static string Name(LicensingModel model) => model.ToString().ToLowerInvariant();

    private static PluginLicense State(LicensingInfo licensing, PluginLicenseStatus status, string reason) =>
        new() { Model = licensing.Model, Status = status, Reason = reason, Product = licensing.ProductCode };

    private PluginLicense EvaluateClaims(LicensingInfo licensing, SignedEnvelope envelope, LicenseClaims claims, string path, TrustPolicy policy, DateTimeOffset now)
    {
        var basis = new PluginLicense
        {
            Model = licensing.Model,
            Status = PluginLicenseStatus.Invalid,
            Reason = string.Empty,
            LicenseId = claims.LicenseId,
            Licensee = claims.Licensee,
            Product = claims.Product,
            Features = claims.Features,
            Expires = claims.Expires,
        };
        try
        {
            CheckSignature(envelope, policy, path, licensing.VendorKeyId, forPlugin: true);
        }
        catch (TrustException ex)
        {
            return basis with { Reason = ex.Message };
        }

        if (!string.Equals(claims.Product, licensing.ProductCode, StringComparison.OrdinalIgnoreCase))
        {
            return basis with { Status = PluginLicenseStatus.WrongProduct, Reason = $"{path}: the licence is for product '{claims.Product}', this plugin needs a licence for '{licensing.ProductCode}'" };
        }

        if (claims.Machine is { } binding)
        {
            string machineId;
            try
            {
                machineId = _machine.GetMachineId();
            }
            catch (TrustException ex)
            {
                return basis with { Status = PluginLicenseStatus.WrongMachine, Reason = $"{path}: the licence is bound to a machine, and {char.ToLowerInvariant(ex.Message[0])}{ex.Message[1..]}" };
            }

            if (!binding.Matches(machineId, claims.Product))
            {
                return basis with { Status = PluginLicenseStatus.WrongMachine, Reason = $"{path}: the licence is bound to another machine; ask {claims.Licensee}'s vendor to move it to this one" };
            }
        }

        var trial = claims.Kind == LicenseKind.Trial;
        if (claims.Expires is { } expires && now >= expires)
        {
            return basis with
            {
                Status = trial ? PluginLicenseStatus.TrialExpired : PluginLicenseStatus.Expired,
                Reason = $"{path}: the {(trial ? "trial licence" : "licence")} of {claims.Licensee} expired at {TrustFields.Time(expires)}",
                TrialEndsAt = trial ? expires : null,
            };
        }

        var until = claims.Expires is { } e ? $"until {TrustFields.Time(e)}" : "perpetual";
        return trial
            ? basis with { Status = PluginLicenseStatus.Trial, TrialEndsAt = claims.Expires, Reason = $"{path}: trial licence of {claims.Licensee}, {until}" }
            : basis with { Status = PluginLicenseStatus.Licensed, Reason = $"{path}: licensed to {claims.Licensee}, {until}" };
    }

    private static PluginLicense EvaluateTrial(PluginManifest manifest, LicensingInfo licensing, string product, LicenseStore store, DateTimeOffset now)
    {
        if (licensing.TrialDays is not { } days || days < 1)
        {
            return State(licensing, PluginLicenseStatus.Invalid, $"{manifest.Id}: the manifest's licensing.trialDays is missing; a trial plugin must say how many days its trial lasts");
        }

        // The start is kept twice; the earlier record counts, and a missing one is written again, so deleting one
        // file does not start a fresh trial.
        var path = store.TrialsPath;
        using var held = StateFileLock.Acquire(path);
        var files = new[] { store.TrialsPath, store.TrialsCopyPath }
            .Select(file => (Path: file, Root: ReadState(file, TrialsFormat, "trials")))
            .Select(f => (f.Path, f.Root, Started: TrialStart(f.Root, f.Path, product)))
            .ToList();
        var recorded = files.Where(f => f.Started is not null).OrderBy(f => f.Started).Take(1).ToList();
        var started = recorded.Count > 0 ? recorded[0].Started!.Value : now;
        if (recorded.Count > 0)
        {
            path = recorded[0].Path;
        }

        foreach (var (file, root, start) in files)
        {
            if (start != started)
            {
                var trials = (JsonObject)root["trials"]!;
                trials[product] = new JsonObject { ["plugin"] = manifest.Id, ["started"] = TrustFields.Time(started) };
                AtomicFile.WriteAllBytes(file, JsonSerializer.SerializeToUtf8Bytes(root, TrustJson.Indented));
            }
        }

        var ends = started.AddDays(days);
        var basis = State(licensing, PluginLicenseStatus.Trial, string.Empty) with { TrialEndsAt = ends, Product = product };
        return now < ends
            ? basis with { Reason = $"trial of '{product}' started {TrustFields.Time(started)} and ends {TrustFields.Time(ends)} (recorded in {path}); no licence file in {store.Directory}" }
            : basis with { Status = PluginLicenseStatus.TrialExpired, Reason = $"the {days}-day trial of '{product}' ended at {TrustFields.Time(ends)} (recorded in {path}); add a licence with 'pluginai license add <file>'" };
    }

    private static DateTimeOffset? TrialStart(JsonObject root, string path, string product)
    {
        var trials = root["trials"] as JsonObject ?? throw new TrustException($"{path}: field 'trials' is required and must be an object keyed by product code.");
        if (trials[product] is not { } existing)
        {
            return null;
        }

        var entry = existing as JsonObject ?? throw new TrustException($"{path}: trials['{product}'] must be an object with 'started'.");
        return TrustFields.Date(entry, "started", $"{path}: trials['{product}']");
    }

    private static string? CheckClock(LicenseStore store, DateTimeOffset now)
    {
        // The latest time seen is kept twice; the later of the two counts, so removing one file does not reset detection.
        using var held = StateFileLock.Acquire(store.ClockPath);
        var files = new[] { store.ClockPath, store.ClockCopyPath }
            .Select(path => (Path: path, Root: ReadState(path, ClockFormat, null)))
            .Select(f => (f.Path, f.Root, Latest: TrustFields.OptionalDate(f.Root, "latest", f.Path)))
            .ToList();
        var newest = files.MaxBy(f => f.Latest);
        if (newest.Latest is { } seen && seen - now > ClockTolerance)
        {
            return $"the system clock is {Describe(seen - now)} earlier than a time already seen ({TrustFields.Time(seen)}, recorded in {newest.Path}); set the clock correctly";
        }

        foreach (var (path, root, latest) in files)
        {
            if (latest is null || now > latest)
            {
                root["latest"] = TrustFields.Time(newest.Latest is { } known && known > now ? known : now);
                AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(root, TrustJson.Indented));
            }
        }

        return null;
    }

    private static JsonObject ReadState(string path, string format, string? collection)
    {
        if (Directory.Exists(path))
        {
            throw new TrustException($"{path} is a folder; expected the license state file there (JSON with format '{format}'). Remove the folder.");
        }

        if (!File.Exists(path))
        {
            var fresh = new JsonObject { ["format"] = format };
            if (collection is not null)
            {
                fresh[collection] = new JsonObject();
            }

            return fresh;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TrustException($"{path}: cannot be read ({ex.Message}).", ex);
        }

        var root = TrustFields.ParseObject(bytes, path, $"a JSON object with format '{format}'; the file is corrupt, restore it from a backup rather than deleting it");
        TrustFields.RequireFormat(root, format, path);
        return root;
    }

    private static string Describe(TimeSpan span) =>
        span.TotalDays >= 2 ? $"{(int)span.TotalDays} days"
        : span.TotalHours >= 2 ? $"{(int)span.TotalHours} hours"
        : $"{(int)span.TotalMinutes} minutes";
}
