namespace PluginAI.Trust.Certification;

/// <summary>A record file in the certification store, read as far as it could be.</summary>
/// <param name="Path">The file.</param>
/// <param name="Envelope">The signed record, or <see langword="null"/> when the file is not an envelope.</param>
/// <param name="Payload">What the record states, or <see langword="null"/> when it cannot be read.</param>
/// <param name="Error">Why the file could not be read, or <see langword="null"/>.</param>
public sealed record StoredCertification(string Path, SignedEnvelope? Envelope, CertificationPayload? Payload, string? Error);
