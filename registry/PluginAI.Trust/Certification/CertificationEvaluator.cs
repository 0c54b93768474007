using PluginAI.Hardware;
using PluginAI.Manifest;

namespace PluginAI.Trust.Certification;

/// <summary>Decides, per device of this machine, whether a plugin version is certified, from signed records and the trust policy.</summary>
/// <remarks>
/// The devices are the machine's accelerators, plus the CPU when the machine has none or when a record of the plugin
/// names the vendor <see cref="CertificationDevice.CpuVendor"/>. A device is certified when a record is for the plugin,
/// covers the device (vendor, PCI id when the record lists any, driver version when it gives a range), covers the plugin
/// version, is signed by a key the policy trusts as certifier and that is not revoked, and has not expired. Otherwise the
/// reason comes from the record that got furthest through those checks, in that order.
/// </remarks>
public static class CertificationEvaluator
{
    private enum Stage
    {
        Unreadable,
        OtherPlugin,
        DeviceNotCovered,
        Driver,
        Version,
        Trust,
        Expired,
        Valid,
    }

    /// <summary>Evaluates the records of a plugin on every device of this machine.</summary>
    /// <param name="pluginId">The plugin id.</param>
    /// <param name="version">The plugin version.</param>
    /// <param name="records">The signed records: those of the store (<see cref="CertificationStore.Envelopes"/>) and those embedded in the manifest (<see cref="CertificationRecords.ToEnvelope"/>).</param>
    /// <param name="hardware">The machine.</param>
    /// <param name="policy">The trust policy.</param>
    /// <param name="now">The current time.</param>
    /// <returns>One entry per accelerator, and for the CPU where it applies.</returns>
    public static IReadOnlyList<DeviceCertification> Evaluate(
        string pluginId,
        SemanticVersion version,
        IEnumerable<SignedEnvelope> records,
        HardwareProfile hardware,
        TrustPolicy policy,
        DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(pluginId);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(hardware);
        ArgumentNullException.ThrowIfNull(policy);

        var parsed = new List<(SignedEnvelope Envelope, CertificationPayload? Payload, string? Error)>();
        foreach (var envelope in records)
        {
            if (envelope.PayloadType != SignedEnvelope.CertificationPayloadType)
            {
                parsed.Add((envelope, null, $"it holds '{envelope.PayloadType}', not a certification"));
                continue;
            }

            try
            {
                parsed.Add((envelope, CertificationPayload.Parse(envelope.Payload.Span, "payload"), null));
            }
            catch (TrustException ex)
            {
                parsed.Add((envelope, null, ex.Message));
            }
        }

        var targets = new List<AcceleratorInfo?>(hardware.Accelerators);
        var cpuRecord = parsed.Any(p => p.Payload is { } payload && payload.PluginId == pluginId
            && payload.Devices.Any(d => string.Equals(d.Vendor, CertificationDevice.CpuVendor, StringComparison.OrdinalIgnoreCase)));
        if (targets.Count == 0 || cpuRecord)
        {
            targets.Add(null);
        }

        var results = new List<DeviceCertification>();
        foreach (var accelerator in targets)
        {
            var device = accelerator is null ? $"CPU ({hardware.Cpu.ModelName})" : Describe(accelerator);
            (Stage Stage, string Reason, SignedEnvelope? Envelope, CertificationPayload? Payload) best = (Stage.DeviceNotCovered, $"no record covers {device}", null, null);
            var ignored = new List<string>();
            foreach (var (envelope, payload, error) in parsed)
            {
                var (stage, reason) = payload is null
                    ? (Stage.Unreadable, $"the record signed by key {Short(envelope.KeyId)} cannot be read: {error}")
                    : Check(envelope, payload, pluginId, version, accelerator, device, policy, now);
                if (stage < Stage.DeviceNotCovered)
                {
                    ignored.Add(reason);
                }
                else if (stage > best.Stage || (stage == Stage.Valid && best.Stage == Stage.Valid && payload!.Expires > best.Payload!.Expires))
                {
                    best = (stage, reason, envelope, payload);
                }
            }

            if (best.Stage == Stage.DeviceNotCovered && ignored.Count > 0)
            {
                best.Reason += $"; {ignored.Count} record(s) ignored: {string.Join("; ", ignored)}";
            }

            results.Add(new DeviceCertification
            {
                Device = device,
                Accelerator = accelerator,
                Certified = best.Stage == Stage.Valid,
                Certifier = best.Stage > Stage.DeviceNotCovered ? best.Payload?.Certifier : null,
                Expires = best.Stage > Stage.DeviceNotCovered ? best.Payload?.Expires : null,
                SuiteVersion = best.Stage > Stage.DeviceNotCovered ? best.Payload?.SuiteVersion : null,
                KeyId = best.Stage > Stage.DeviceNotCovered ? best.Envelope?.KeyId : null,
                Reason = best.Reason,
            });
        }

        return results;
    }

    /// <summary>Says whether the policy lets the plugin run given its certification: always, unless the policy requires certification, in which case at least one device must be certified.</summary>
    /// <param name="results">The outcome of <see cref="Evaluate"/>.</param>
    /// <param name="policy">The trust policy.</param>
    /// <returns>Whether the plugin may be loaded.</returns>
    public static bool IsAllowed(IReadOnlyList<DeviceCertification> results, TrustPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(policy);
        return !policy.RequireCertified || results.Any(r => r.Certified);
    }

    /// <summary>Refuses a plugin that <see cref="IsAllowed"/> does not let through.</summary>
    /// <param name="pluginId">The plugin id, for the message.</param>
    /// <param name="results">The outcome of <see cref="Evaluate"/>.</param>
    /// <param name="policy">The trust policy.</param>
    /// <exception cref="TrustException">The policy requires certification and no device is certified; the message gives the reason for each device.</exception>
    public static void EnsureAllowed(string pluginId, IReadOnlyList<DeviceCertification> results, TrustPolicy policy)
    {
        if (!IsAllowed(results, policy))
        {
            throw new TrustException(
                $"{pluginId} is not certified on this machine and the trust policy {policy.Path ?? "(in memory)"} requires certified backends: "
                + string.Join("; ", results.Select(r => $"{r.Device}: {r.Reason}")));
        }
    }

    /// <summary>Extracts the version from a driver as the hardware probe reports it, such as <c>nvidia 580.159.04</c>.</summary>
    /// <param name="driver">The driver text.</param>
    /// <returns>The version as written and parsed (at most three numeric parts are compared), or <see langword="null"/> when the text has no version.</returns>
    public static (string Text, SemanticVersion Version)? ParseDriverVersion(string? driver)
    {
        if (string.IsNullOrWhiteSpace(driver))
        {
            return null;
        }

        foreach (var token in driver.Split([' ', '\t', '(', ')', ','], StringSplitOptions.RemoveEmptyEntries).Reverse())
        {
            var text = token.TrimStart('v', 'V');
            var numeric = string.Join('.', text.Split('.').Take(3));
            if (text.Length > 0 && char.IsAsciiDigit(text[0]) && SemanticVersion.TryParse(numeric, out var version))
            {
                return (text, version);
            }
        }

        return null;
    }

    private static (Stage, string) Check(
        SignedEnvelope envelope,
        CertificationPayload payload,
        string pluginId,
        SemanticVersion version,
        AcceleratorInfo? accelerator,
        string device,
        TrustPolicy policy,
        DateTimeOffset now)
    {
        var by = $"record by {payload.Certifier}";
        if (!string.Equals(payload.PluginId, pluginId, StringComparison.OrdinalIgnoreCase))
        {
            return (Stage.OtherPlugin, $"{by} is for plugin {payload.PluginId}, not {pluginId}");
        }

        var covering = payload.Devices.Where(d => Covers(d, accelerator)).ToList();
        if (covering.Count == 0)
        {
            return (Stage.DeviceNotCovered, $"no record covers {device}");
        }

        if (accelerator is not null && !covering.Any(d => d.Drivers is null))
        {
            var driver = ParseDriverVersion(accelerator.Driver);
            var ranges = string.Join(" or ", covering.Select(d => d.Drivers!.ToString()).Distinct(StringComparer.Ordinal));
            if (driver is null)
            {
                return (Stage.Driver, $"the driver version of {device} is unknown; the {by} requires drivers {ranges}");
            }

            if (!covering.Any(d => d.Drivers!.Contains(driver.Value.Version)))
            {
                return (Stage.Driver, $"driver {driver.Value.Text} is outside {ranges} ({by})");
            }
        }

        if (!payload.Versions.Contains(version))
        {
            return (Stage.Version, $"{by} covers versions {payload.Versions}, this is {version}");
        }

        var trusted = policy.Find(envelope.KeyId);
        if (trusted is null)
        {
            return (Stage.Trust, $"certifier key {Short(envelope.KeyId)} is not trusted as certifier (it is not in the trust policy; {by})");
        }

        if (trusted.Revoked is { } revoked)
        {
            return (Stage.Trust, $"certifier key {Short(envelope.KeyId)} ({trusted.Name}) was revoked on {CertificationPayload.FormatDate(revoked)} ({by})");
        }

        if ((trusted.Roles & KeyRole.Certifier) == 0)
        {
            return (Stage.Trust, $"certifier key {Short(envelope.KeyId)} ({trusted.Name}) is not trusted as certifier, only as {TrustedKey.FormatRoles(trusted.Roles)} ({by})");
        }

        using (var key = trusted.CreateKey())
        {
            if (!envelope.IsSignedBy(key))
            {
                return (Stage.Trust, $"the {by} does not match its signature by key {Short(envelope.KeyId)} ({trusted.Name}); it was altered or signed with another key");
            }
        }

        if (payload.Expires <= now)
        {
            return (Stage.Expired, $"{by} expired on {CertificationPayload.FormatDate(payload.Expires)}");
        }

        return (Stage.Valid, $"certified by {payload.Certifier} until {CertificationPayload.FormatDate(payload.Expires)} (suite {payload.SuiteVersion})");
    }

    private static bool Covers(CertificationDevice device, AcceleratorInfo? accelerator)
    {
        if (accelerator is null)
        {
            return string.Equals(device.Vendor, CertificationDevice.CpuVendor, StringComparison.OrdinalIgnoreCase);
        }

        if (!string.Equals(device.Vendor, accelerator.Vendor, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return device.PciIds.Count == 0 || device.PciIds.Any(id => PciId.AreEqual(id, accelerator.PciId));
    }

    private static string Describe(AcceleratorInfo accelerator) =>
        PciId.Normalize(accelerator.PciId) is { } pci ? $"{accelerator.Name} ({pci})" : accelerator.Name;

    private static string Short(string keyId) => keyId.Length > 8 ? keyId[..8] + "…" : keyId;
}
