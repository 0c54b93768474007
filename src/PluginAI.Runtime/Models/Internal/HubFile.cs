namespace PluginAI.Runtime.Models.Internal;

/// <summary>A file to download: where from, its local name, size and hash, and why it was chosen.</summary>
internal sealed record HubFile(Uri Url, string FileName, long? Size, string? Sha256, bool SendToken, string Choice);
