namespace PluginAI.Runtime.Doctor;

/// <summary>The trust settings a host runs with.</summary>
/// <param name="Policy">The trust policy file.</param>
/// <param name="AllowUnsigned">Whether plugins without a trusted signature are let through.</param>
/// <param name="AllowUnsignedReason">Why they are (the option or the policy file), or <see langword="null"/>.</param>
/// <param name="RequireCertified">Whether backends must be certified for this machine.</param>
/// <param name="TrustedKeys">The number of trusted keys that are not revoked.</param>
public sealed record TrustSettings(string? Policy, bool AllowUnsigned, string? AllowUnsignedReason, bool RequireCertified, int TrustedKeys);
