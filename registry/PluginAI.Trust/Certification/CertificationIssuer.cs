using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using PluginAI.Manifest;

namespace PluginAI.Trust.Certification;

/// <summary>Signs certification records with a certifier's key.</summary>
public static partial class CertificationIssuer
{
    /// <summary>The format tag of the conformance reports written by <c>PluginAI.Certification.ConformanceReport</c>.</summary>
    public const string ReportFormat = "pluginai-conformance-report/1";

    /// <summary>Issues a record for a conformance report, after checking that the report can be certified.</summary>
    /// <param name="certifierKey">The certifier's key, with its private part.</param>
    /// <param name="claims">What the record states.</param>
    /// <param name="reportJson">The exact bytes of the report (<c>ConformanceReport.ToJson()</c>); the record names their SHA-256.</param>
    /// <param name="now">The time of issue; <see langword="null"/> for now.</param>
    /// <returns>The signed record (payload type <see cref="SignedEnvelope.CertificationPayloadType"/>).</returns>
    /// <exception cref="TrustException">The report has failures, ran no test, is for another suite version or plugin, or the claims are invalid.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The two overloads differ in what identifies the report (its bytes or its hash), never in the optional time; both predate API tracking.")]
    [SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "The two overloads differ in what identifies the report (its bytes or its hash), never in the optional time; both predate API tracking.")]
    public static SignedEnvelope Issue(SigningKey certifierKey, CertificationClaims claims, ReadOnlySpan<byte> reportJson, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(claims);
        CheckReport(reportJson, claims);
        return Issue(certifierKey, claims, Convert.ToHexStringLower(SHA256.HashData(reportJson)), now);
    }

    /// <summary>Issues a record for a report known only by its hash; the caller has checked that every test of the report passed.</summary>
    /// <param name="certifierKey">The certifier's key, with its private part.</param>
    /// <param name="claims">What the record states.</param>
    /// <param name="reportSha256">The SHA-256 of the report's JSON in lower-case hex (<c>ConformanceReport.Sha256</c>).</param>
    /// <param name="now">The time of issue; <see langword="null"/> for now.</param>
    /// <returns>The signed record (payload type <see cref="SignedEnvelope.CertificationPayloadType"/>).</returns>
    /// <exception cref="TrustException">The claims are invalid or already expired; the message names the field.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The two overloads differ in what identifies the report (its bytes or its hash), never in the optional time; both predate API tracking.")]
    public static SignedEnvelope Issue(SigningKey certifierKey, CertificationClaims claims, string reportSha256, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(certifierKey);
        var payload = ToPayload(claims, reportSha256, now ?? DateTimeOffset.UtcNow, embedded: false);
        return SignedEnvelope.Sign(SignedEnvelope.CertificationPayloadType, payload.ToJson(), certifierKey);
    }

    /// <summary>
    /// Issues a record to embed in a plugin manifest's <c>certifications</c>: signed over the canonical form generated
    /// from the record's fields, which have no issue time and no device names.
    /// </summary>
    /// <param name="certifierKey">The certifier's key, with its private part.</param>
    /// <param name="claims">What the record states; <see cref="CertificationClaims.Issued"/> and device names are not kept.</param>
    /// <param name="reportSha256">The SHA-256 of the report's JSON in lower-case hex.</param>
    /// <param name="now">The time of issue, to check the expiry against; <see langword="null"/> for now.</param>
    /// <returns>The record with its key id and signature.</returns>
    /// <exception cref="TrustException">The claims are invalid or already expired.</exception>
    public static CertificationRecord IssueForManifest(SigningKey certifierKey, CertificationClaims claims, string reportSha256, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(certifierKey);
        var payload = ToPayload(claims, reportSha256, now ?? DateTimeOffset.UtcNow, embedded: true);
        var envelope = SignedEnvelope.Sign(SignedEnvelope.CertificationPayloadType, payload.ToJson(), certifierKey);
        return CertificationRecords.ToRecord(envelope, "the issued record");
    }

    private static CertificationPayload ToPayload(CertificationClaims claims, string reportSha256, DateTimeOffset now, bool embedded)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(reportSha256);
        var issued = CertificationPayload.TruncateToSeconds(claims.Issued ?? now);
        var payload = new CertificationPayload
        {
            Certifier = claims.Certifier,
            PluginId = claims.PluginId,
            Versions = claims.Versions,
            Devices = [.. claims.Devices.Select(d => d with
            {
                Vendor = d.Vendor.ToLowerInvariant(),
                PciIds = [.. d.PciIds.Select(id => PciId.Normalize(id) ?? id)],
                Name = embedded ? null : d.Name,
            })],
            SuiteVersion = claims.SuiteVersion,
            ReportSha256 = reportSha256.ToLowerInvariant(),
            Issued = embedded ? null : issued,
            Expires = CertificationPayload.TruncateToSeconds(claims.Expires),
        };
        payload.Validate("certification claims");
        if (payload.Expires <= now)
        {
            throw new TrustException($"certification claims: field 'expires' ({CertificationPayload.FormatDate(payload.Expires)}) is not in the future.");
        }

        if (issued >= payload.Expires)
        {
            throw new TrustException($"certification claims: field 'expires' ({CertificationPayload.FormatDate(payload.Expires)}) must be later than field 'issued' ({CertificationPayload.FormatDate(issued)}).");
        }

        return payload;
    }

    private static void CheckReport(ReadOnlySpan<byte> reportJson, CertificationClaims claims)
    {
        const string Source = "conformance report";
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(reportJson);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new TrustException($"{Source}: not valid JSON ({ex.Message}).", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != ReportFormat)
            {
                throw new TrustException($"{Source}: field 'format' must be '{ReportFormat}'.");
            }

            var suiteVersion = root.TryGetProperty("suiteVersion", out var sv) && sv.ValueKind == JsonValueKind.String ? sv.GetString() : null;
            if (suiteVersion != claims.SuiteVersion)
            {
                throw new TrustException($"{Source}: field 'suiteVersion' is '{suiteVersion}', but the claims name suite {claims.SuiteVersion}.");
            }

            if (root.TryGetProperty("plugin", out var plugin) && plugin.ValueKind == JsonValueKind.Object
                && plugin.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                && !string.Equals(id.GetString(), claims.PluginId, StringComparison.Ordinal))
            {
                throw new TrustException($"{Source}: field 'plugin.id' is '{id.GetString()}', but the claims certify '{claims.PluginId}'.");
            }

            if (!root.TryGetProperty("tests", out var tests) || tests.ValueKind != JsonValueKind.Array)
            {
                throw new TrustException($"{Source}: field 'tests' is required, the array of test results.");
            }

            var failures = new List<string>();
            var passed = 0;
            foreach (var test in tests.EnumerateArray())
            {
                var outcome = test.TryGetProperty("outcome", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
                if (outcome == "passed")
                {
                    passed++;
                }
                else if (outcome != "skipped")
                {
                    var name = test.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : "(unnamed)";
                    var message = test.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : outcome;
                    failures.Add($"{name}: {message}");
                }
            }

            var failed = root.TryGetProperty("failed", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt32() : -1;
            if (failures.Count > 0 || failed != 0)
            {
                throw new TrustException($"{Source}: {Math.Max(failures.Count, failed)} test(s) failed, so it cannot be certified: {string.Join("; ", failures)}");
            }

            if (passed == 0)
            {
                throw new TrustException($"{Source}: no test passed, so it cannot be certified.");
            }
        }
    }
}
