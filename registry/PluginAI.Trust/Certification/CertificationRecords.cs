using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PluginAI.Manifest;

namespace PluginAI.Trust.Certification;

/// <summary>
/// Converts between certification records embedded in a manifest (<see cref="CertificationRecord"/> with a key id and a
/// base64 signature) and signed envelopes, so both verify the same way.
/// </summary>
/// <remarks>
/// The signature of an embedded record covers, as an envelope of type <see cref="SignedEnvelope.CertificationPayloadType"/>,
/// the canonical payload generated from the record's fields: <c>{"format":"pluginai-certification/1","certifier",
/// "pluginId","versions","devices":[{"vendor","pciIds","drivers"}],"suiteVersion","reportSha256","expires"}</c> in that
/// order, no whitespace, absent fields left out, vendors in lower case, PCI ids as <c>10de:2335</c> and the expiry as
/// <c>yyyy-MM-ddTHH:mm:ssZ</c>.
/// </remarks>
public static class CertificationRecords
{
    /// <summary>Generates the canonical payload of a manifest-embedded record, the bytes its signature covers.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The UTF-8 JSON bytes.</returns>
    public static byte[] CanonicalPayload(CertificationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return CertificationPayload.Write(
            record.Certifier,
            record.PluginId,
            record.Versions.ToString(),
            record.Devices.Select(CertificationDevice.FromManifest),
            record.SuiteVersion,
            record.ReportSha256,
            issued: null,
            record.Expires);
    }

    /// <summary>Turns a manifest-embedded record into the envelope its signature belongs to, to verify and evaluate like a stored record.</summary>
    /// <param name="record">The record, with key id and signature.</param>
    /// <param name="source">Where the record is, such as <c>pluginai.json: certifications[0]</c>, for error messages.</param>
    /// <returns>The envelope; its signature is not yet verified.</returns>
    /// <exception cref="TrustException">The record has no key id or signature, or the signature is not base64.</exception>
    public static SignedEnvelope ToEnvelope(CertificationRecord record, string source)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (string.IsNullOrEmpty(record.KeyId))
        {
            throw new TrustException($"{source}: field 'keyId' is required to verify the record: the id of the certifier's key.");
        }

        if (string.IsNullOrEmpty(record.Signature))
        {
            throw new TrustException($"{source}: field 'signature' is required to verify the record: the base64 signature over its canonical form.");
        }

        try
        {
            Convert.FromBase64String(record.Signature);
        }
        catch (FormatException)
        {
            throw new TrustException($"{source}: field 'signature' must be base64.");
        }

        var json = new JsonObject
        {
            ["format"] = SignedEnvelope.Format,
            ["payloadType"] = SignedEnvelope.CertificationPayloadType,
            ["keyId"] = record.KeyId,
            ["payload"] = Convert.ToBase64String(CanonicalPayload(record)),
            ["signature"] = record.Signature,
        };
        return SignedEnvelope.Parse(JsonSerializer.SerializeToUtf8Bytes(json), source);
    }

    /// <summary>Turns a signed record into one to embed in a manifest.</summary>
    /// <param name="envelope">A record issued for a manifest (<see cref="CertificationIssuer.IssueForManifest"/>): its payload is in canonical form with no issue time and no device names.</param>
    /// <param name="source">The file the envelope came from, for error messages.</param>
    /// <returns>The record with key id and signature.</returns>
    /// <exception cref="TrustException">The envelope is not a certification, or its payload is not the canonical form of a manifest record.</exception>
    public static CertificationRecord ToRecord(SignedEnvelope envelope, string source)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.PayloadType != SignedEnvelope.CertificationPayloadType)
        {
            throw new TrustException($"{source}: the envelope holds '{envelope.PayloadType}', expected '{SignedEnvelope.CertificationPayloadType}'.");
        }

        var payload = CertificationPayload.Parse(envelope.Payload.Span, source);
        var record = new CertificationRecord
        {
            Certifier = payload.Certifier,
            PluginId = payload.PluginId,
            Versions = payload.Versions,
            Devices = [.. payload.Devices.Select(d => d.ToManifest())],
            SuiteVersion = payload.SuiteVersion,
            ReportSha256 = payload.ReportSha256,
            Expires = payload.Expires,
            KeyId = envelope.KeyId,
            Signature = Convert.ToBase64String(envelope.Signature.Span),
        };
        if (!envelope.Payload.Span.SequenceEqual(CanonicalPayload(record)))
        {
            throw new TrustException(
                $"{source}: the signed payload is not the canonical form of a manifest record, so its signature would not verify once embedded "
                + $"(a manifest record has no 'issued' and no device 'name', and keeps the canonical property order). Issue it for the manifest with {nameof(CertificationIssuer)}.{nameof(CertificationIssuer.IssueForManifest)}; "
                + $"signed payload: {Encoding.UTF8.GetString(envelope.Payload.Span)}");
        }

        return record;
    }
}
