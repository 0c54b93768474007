using PluginAI.Trust.Content;

namespace PluginAI.Registry;

/// <summary>The outcome of an installation.</summary>
/// <param name="Plugin">The plugin now active.</param>
/// <param name="PreviousVersion">The version that was active before, or <see langword="null"/>.</param>
/// <param name="Verification">What verification found.</param>
/// <param name="Explanation">Why this version and build were chosen.</param>
public sealed record InstallResult(InstalledPlugin Plugin, string? PreviousVersion, ContentVerificationResult Verification, IReadOnlyList<string> Explanation);
