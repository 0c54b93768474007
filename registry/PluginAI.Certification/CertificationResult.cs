namespace PluginAI.Certification;

/// <summary>What a certification run produced.</summary>
/// <param name="Report">The conformance report; when <see cref="ConformanceReport.AllPassed"/> is false no record was signed.</param>
/// <param name="ReportPath">Where the report was written.</param>
/// <param name="RecordPath">Where the signed certification record was written, or <see langword="null"/> when none was signed.</param>
public sealed record CertificationResult(ConformanceReport Report, string ReportPath, string? RecordPath);
