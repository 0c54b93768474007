namespace PluginAI.Certification;

/// <summary>The result of one conformance test.</summary>
/// <param name="Name">The test method's name, such as <c>Chat_MaxOutputTokens_IsRespected</c>.</param>
/// <param name="Outcome">Whether it passed, failed or was skipped.</param>
/// <param name="Duration">How long the test took, set-up and clean-up included.</param>
/// <param name="Message">Why it failed or was skipped; <see langword="null"/> when it passed.</param>
public sealed record ConformanceTestResult(string Name, ConformanceOutcome Outcome, TimeSpan Duration, string? Message = null);
