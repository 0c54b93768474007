using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using PluginAI.Manifest;

namespace PluginAI.Trust.Certification;

/// <summary>
/// The signed content of a certification record (payload type <see cref="SignedEnvelope.CertificationPayloadType"/>):
/// <c>{ "format", "certifier", "pluginId", "versions", "devices": [{ "vendor", "pciIds", "drivers", "name" }],
/// "suiteVersion", "reportSha256", "issued", "expires" }</c>.
/// </summary>
/// <remarks>
/// <see cref="ToJson"/> writes the canonical form: that property order, no whitespace, optional properties left out,
/// vendors in lower case, PCI ids as lower-case <c>vendor:device</c> and times as <c>yyyy-MM-ddTHH:mm:ssZ</c>. A record
/// embedded in a manifest is signed over the canonical form generated from its fields (see <see cref="CertificationRecords"/>).
/// </remarks>
public sealed partial record CertificationPayload
{
    /// <summary>The format tag of certification payloads.</summary>
    public const string Format = "pluginai-certification/1";

    private static readonly JsonWriterOptions s_compact = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Gets the certifier's name in lower case, such as <c>nvidia</c>.</summary>
    public required string Certifier { get; init; }

    /// <summary>Gets the id of the certified plugin.</summary>
    public required string PluginId { get; init; }

    /// <summary>Gets the plugin versions covered.</summary>
    public required VersionRange Versions { get; init; }

    /// <summary>Gets the devices covered.</summary>
    public required IReadOnlyList<CertificationDevice> Devices { get; init; }

    /// <summary>Gets the version of the conformance suite the plugin passed.</summary>
    public required string SuiteVersion { get; init; }

    /// <summary>Gets the SHA-256 of the conformance report in lower-case hex.</summary>
    public required string ReportSha256 { get; init; }

    /// <summary>Gets when the record was issued; <see langword="null"/> for a record embedded in a manifest, which has no such field.</summary>
    public DateTimeOffset? Issued { get; init; }

    /// <summary>Gets when the record expires.</summary>
    public required DateTimeOffset Expires { get; init; }

    /// <summary>Reads and validates a payload.</summary>
    /// <param name="json">The payload bytes.</param>
    /// <param name="source">The file or record the bytes came from, for error messages.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="TrustException">The bytes are not a valid certification payload; the message names the field.</exception>
    public static CertificationPayload Parse(ReadOnlySpan<byte> json, string source)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new TrustException($"{source}: the certification payload is not valid JSON ({ex.Message}).", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TrustException($"{source}: the certification payload must be a JSON object with format '{Format}'.");
            }

            if (Optional(root, "format", source) != Format)
            {
                throw new TrustException($"{source}: field 'format' must be '{Format}'.");
            }

            if (!root.TryGetProperty("devices", out var devicesElement) || devicesElement.ValueKind != JsonValueKind.Array)
            {
                throw new TrustException($"{source}: field 'devices' is required: an array of {{ vendor, pciIds, drivers, name }}.");
            }

            var devices = new List<CertificationDevice>();
            var index = 0;
            foreach (var element in devicesElement.EnumerateArray())
            {
                var where = $"{source}: devices[{index++}]";
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw new TrustException($"{where}: expected an object with vendor, pciIds, drivers and name.");
                }

                var pciIds = new List<string>();
                if (element.TryGetProperty("pciIds", out var ids) && ids.ValueKind != JsonValueKind.Null)
                {
                    if (ids.ValueKind != JsonValueKind.Array || ids.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
                    {
                        throw new TrustException($"{where}.pciIds: expected an array of PCI ids such as \"10de:2335\".");
                    }

                    pciIds.AddRange(ids.EnumerateArray().Select(i => i.GetString()!));
                }

                var drivers = Optional(element, "drivers", where);
                devices.Add(new CertificationDevice
                {
                    Vendor = Required(element, "vendor", where, "a vendor such as nvidia"),
                    PciIds = pciIds,
                    Drivers = drivers is null ? null : Range(drivers, $"{where}.drivers"),
                    Name = Optional(element, "name", where),
                });
            }

            var issued = Optional(root, "issued", source);
            var payload = new CertificationPayload
            {
                Certifier = Required(root, "certifier", source, "the certifier such as nvidia"),
                PluginId = Required(root, "pluginId", source, "the id of the certified plugin"),
                Versions = Range(Required(root, "versions", source, "a version range such as [1.0,2.0)"), $"{source}: field 'versions'"),
                Devices = devices,
                SuiteVersion = Required(root, "suiteVersion", source, "the conformance suite version such as 1.0.0"),
                ReportSha256 = Required(root, "reportSha256", source, "the SHA-256 of the conformance report"),
                Issued = issued is null ? null : Date(issued, $"{source}: field 'issued'"),
                Expires = Date(Required(root, "expires", source, "the expiry such as 2027-06-30T00:00:00Z"), $"{source}: field 'expires'"),
            };
            payload.Validate(source);
            return payload;
        }
    }

    /// <summary>Writes the canonical form: fixed property order, no whitespace, normalised vendors, PCI ids and times.</summary>
    /// <returns>The UTF-8 JSON bytes.</returns>
    public byte[] ToJson() => Write(Certifier, PluginId, Versions.ToString(), Devices, SuiteVersion, ReportSha256, Issued, Expires);

    /// <summary>Checks every field; <see cref="Parse"/> and the issuer call it.</summary>
    /// <param name="source">The file or record, for error messages.</param>
    /// <exception cref="TrustException">A field is invalid; the message names it and what was expected.</exception>
    public void Validate(string source)
    {
        if (!NamePattern().IsMatch(Certifier))
        {
            throw new TrustException($"{source}: field 'certifier' is '{Certifier}'; expected a lower-case name of letters, digits, '.', '_' or '-' such as nvidia.");
        }

        if (!PluginIdPattern().IsMatch(PluginId))
        {
            throw new TrustException($"{source}: field 'pluginId' is '{PluginId}'; expected a plugin id of letters, digits, '.', '_' or '-'.");
        }

        if (Devices.Count == 0)
        {
            throw new TrustException($"{source}: field 'devices' is empty; a record covers at least one device (vendor '{CertificationDevice.CpuVendor}' for the CPU).");
        }

        for (var i = 0; i < Devices.Count; i++)
        {
            var device = Devices[i];
            if (string.IsNullOrWhiteSpace(device.Vendor))
            {
                throw new TrustException($"{source}: devices[{i}].vendor is required, a vendor such as nvidia.");
            }

            for (var j = 0; j < device.PciIds.Count; j++)
            {
                if (PciId.Normalize(device.PciIds[j]) is null)
                {
                    throw new TrustException($"{source}: devices[{i}].pciIds[{j}] is '{device.PciIds[j]}'; expected vendor:device in hex such as 10de:2335.");
                }
            }
        }

        if (string.IsNullOrWhiteSpace(SuiteVersion))
        {
            throw new TrustException($"{source}: field 'suiteVersion' is required, the conformance suite version such as 1.0.0.");
        }

        if (!Sha256Pattern().IsMatch(ReportSha256))
        {
            throw new TrustException($"{source}: field 'reportSha256' is '{ReportSha256}'; expected 64 lower-case hex digits.");
        }

        if (Issued is { } issued && issued >= Expires)
        {
            throw new TrustException($"{source}: field 'expires' ({FormatDate(Expires)}) must be later than field 'issued' ({FormatDate(issued)}).");
        }
    }

    internal static byte[] Write(
        string certifier,
        string pluginId,
        string versions,
        IEnumerable<CertificationDevice> devices,
        string? suiteVersion,
        string? reportSha256,
        DateTimeOffset? issued,
        DateTimeOffset? expires)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, s_compact))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteString("certifier", certifier);
            w.WriteString("pluginId", pluginId);
            w.WriteString("versions", versions);
            w.WriteStartArray("devices");
            foreach (var device in devices)
            {
                w.WriteStartObject();
                w.WriteString("vendor", device.Vendor.ToLowerInvariant());
                w.WriteStartArray("pciIds");
                foreach (var id in device.PciIds)
                {
                    w.WriteStringValue(PciId.Normalize(id) ?? id);
                }

                w.WriteEndArray();
                if (device.Drivers is { } drivers)
                {
                    w.WriteString("drivers", drivers.ToString());
                }

                if (device.Name is { } name)
                {
                    w.WriteString("name", name);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteOptional(w, "suiteVersion", suiteVersion);
            WriteOptional(w, "reportSha256", reportSha256);
            WriteOptional(w, "issued", issued is { } i ? FormatTime(i) : null);
            WriteOptional(w, "expires", expires is { } e ? FormatTime(e) : null);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    internal static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static string FormatDate(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static DateTimeOffset TruncateToSeconds(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static string Required(JsonElement element, string field, string where, string expected) =>
        Optional(element, field, where) is { Length: > 0 } value
            ? value
            : throw new TrustException($"{where}: field '{field}' is required: {expected}.");

    private static string? Optional(JsonElement element, string field, string where)
    {
        if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new TrustException($"{where}: field '{field}' must be a string.");
    }

    private static VersionRange Range(string text, string where) =>
        VersionRange.TryParse(text, out var range, out var error) ? range : throw new TrustException($"{where}: {error}.");

    private static DateTimeOffset Date(string text, string where) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : throw new TrustException($"{where}: '{text}' is not a time; expected ISO 8601 such as 2027-06-30T00:00:00Z.");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex PluginIdPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}
