namespace PluginAI.Trust.Licensing;

/// <summary>A license file in the store, read but not yet evaluated against a plugin.</summary>
/// <param name="Path">The license file.</param>
/// <param name="Envelope">The envelope, or <see langword="null"/> when the file is not one.</param>
/// <param name="Claims">The claims, or <see langword="null"/> when the payload is malformed.</param>
/// <param name="Error">Why the file cannot be read, or <see langword="null"/>.</param>
public sealed record StoredLicense(string Path, SignedEnvelope? Envelope, LicenseClaims? Claims, string? Error);
