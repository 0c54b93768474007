namespace PluginAI.Manifest.Compatibility;

/// <summary>Whether one build of a plugin (a variant or the base build) fits this machine.</summary>
/// <param name="Build">The variant name, or <c>base</c>.</param>
/// <param name="Fits">Whether its requirements are met.</param>
/// <param name="Problems">Why it does not fit, in plain words.</param>
/// <param name="Chosen">Whether the host chose it.</param>
public sealed record BuildDecision(string Build, bool Fits, IReadOnlyList<string> Problems, bool Chosen);
