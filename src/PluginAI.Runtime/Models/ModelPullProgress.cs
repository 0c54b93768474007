namespace PluginAI.Runtime.Models;

/// <summary>One step of a pull, reported while it runs.</summary>
/// <param name="Stage"><c>resolved</c>, <c>downloading</c>, <c>verifying</c> or <c>registered</c>.</param>
/// <param name="FileName">The file being pulled.</param>
/// <param name="BytesReceived">The bytes on disk so far, including those of an earlier, interrupted pull.</param>
/// <param name="TotalBytes">The size of the file.</param>
/// <param name="ResumedFrom">The byte the download resumed from; 0 when it started afresh.</param>
public sealed record ModelPullProgress(string Stage, string FileName, long BytesReceived, long TotalBytes, long ResumedFrom);
