namespace PluginAI.Runtime.Ingestion;

/// <summary>A file ingestion left out, and why.</summary>
/// <param name="Path">The file or folder.</param>
/// <param name="Reason">Why, in plain words.</param>
public sealed record SkippedFile(string Path, string Reason);
