namespace PluginAI.Runtime.Models;

/// <summary>A pulled, verified and registered model.</summary>
/// <param name="Name">The registered name.</param>
/// <param name="Path">The file in the models folder of the PluginAI home.</param>
/// <param name="Url">Where it was downloaded from: the URL, or <c>pkg:ID@VERSION (source 'NAME')</c> for a model package.</param>
/// <param name="Bytes">The file's size.</param>
/// <param name="Sha256">The file's SHA-256 (hex).</param>
/// <param name="Verified">Whether the hash was checked against one the source published or the user gave; for a model package, whether its manifest was signed by a trusted publisher.</param>
/// <param name="ResumedFrom">The byte the download resumed from; 0 when it started afresh.</param>
/// <param name="AlreadyPresent">Whether the file was already in the models folder with the expected hash.</param>
/// <param name="Choice">Why this file was chosen from the repository; for a model package, what was checked.</param>
public sealed record ModelPullResult(string Name, string Path, string Url, long Bytes, string Sha256, bool Verified, long ResumedFrom, bool AlreadyPresent, string Choice)
{
    /// <summary>Gets the trusted publisher that signed a model package, as <c>NAME (KEY ID)</c>; <see langword="null"/> for other sources and for unsigned or untrusted packages.</summary>
    public string? Publisher { get; init; }
}
