using System.Text.Json;
using System.Text.Json.Serialization;
using PluginAI.Trust;

namespace PluginAI.Registry;

/// <summary>The record of an installation, kept as <c>pluginai-install.json</c> in the version folder.</summary>
/// <param name="Id">The plugin id.</param>
/// <param name="Version">The version.</param>
/// <param name="Source">The source it came from.</param>
/// <param name="Variant">The variant installed, or <see langword="null"/> for the base build.</param>
/// <param name="PackageSha256">The SHA-256 of the <c>.nupkg</c>.</param>
/// <param name="InstalledAt">When it was installed.</param>
/// <param name="PublisherKeyId">The trusted key that signed it, or <see langword="null"/> when installed unsigned or untrusted.</param>
/// <param name="PublisherName">That key's name.</param>
/// <param name="Explanation">Why this version and build were chosen.</param>
public sealed record InstallReceipt(string Id, string Version, string Source, string? Variant, string PackageSha256, DateTimeOffset InstalledAt, string? PublisherKeyId, string? PublisherName, IReadOnlyList<string> Explanation)
{
    /// <summary>The receipt's file name.</summary>
    public const string FileName = InstalledPluginLayout.InstallReceiptFileName;

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
