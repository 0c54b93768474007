namespace PluginAI.Runtime.Models;

/// <summary>A quantised copy of a model, registered beside the original.</summary>
/// <param name="Name">The registered name of the copy.</param>
/// <param name="Path">The new file, in the original's folder.</param>
/// <param name="Type">The quantisation type, such as <c>Q8_0</c>.</param>
/// <param name="SourcePath">The original file.</param>
/// <param name="SourceBytes">The original's size.</param>
/// <param name="Bytes">The copy's size.</param>
public sealed record ModelQuantizeResult(string Name, string Path, string Type, string SourcePath, long SourceBytes, long Bytes);
