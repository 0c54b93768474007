namespace PluginAI.Runtime.Models;

/// <summary>A pulled, verified and registered model.</summary>
/// <param name="Name">The registered name.</param>
/// <param name="Path">The file in the models folder of the PluginAI home.</param>
/// <param name="Url">Where it was downloaded from.</param>
/// <param name="Bytes">The file's size.</param>
/// <param name="Sha256">The file's SHA-256 (hex).</param>
/// <param name="Verified">Whether the hash was checked against one the source published or the user gave.</param>
/// <param name="ResumedFrom">The byte the download resumed from; 0 when it started afresh.</param>
/// <param name="AlreadyPresent">Whether the file was already in the models folder with the expected hash.</param>
/// <param name="Choice">Why this file was chosen from the repository.</param>
public sealed record ModelPullResult(string Name, string Path, string Url, long Bytes, string Sha256, bool Verified, long ResumedFrom, bool AlreadyPresent, string Choice);
