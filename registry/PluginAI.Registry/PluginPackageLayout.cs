using System.Security.Cryptography;
using System.Text;

namespace PluginAI.Registry;

/// <summary>The entry names of a plugin package (docs/registry.md, "The package") and the path rules every entry must follow.</summary>
public static class PluginPackageLayout
{
    /// <summary>The folder inside the package that holds the plugin's files.</summary>
    public const string PluginFolder = "plugin/";

    /// <summary>The manifest entry at the package root.</summary>
    public const string ManifestEntry = Manifest.PluginManifest.FileName;

    /// <summary>The detached publisher signature at the package root.</summary>
    public const string SignatureEntry = "pluginai.sig";

    /// <summary>The folder inside a model package that holds the model file.</summary>
    public const string ModelFolder = "model/";

    /// <summary>The manifest entry at the root of a model package; a package has it or <see cref="ManifestEntry"/>, never both.</summary>
    public const string ModelManifestEntry = ModelPackageManifest.FileName;

    /// <summary>The tag that marks a NuGet package as a PluginAI model.</summary>
    public const string ModelTag = "pluginai-model";

    /// <summary>The tag that marks a NuGet package as a PluginAI plugin.</summary>
    public const string PluginTag = "pluginai-plugin";

    /// <summary>The file extension of packages.</summary>
    public const string Extension = ".nupkg";

    /// <summary>Returns whether an entry is written by NuGet itself and ignored by verification.</summary>
    /// <param name="path">The normalised entry path.</param>
    /// <returns><see langword="true"/> for <c>_rels/</c>, <c>[Content_Types].xml</c>, <c>package/services/metadata/</c>, <c>.signature.p7s</c> and the root <c>.nuspec</c>.</returns>
    public static bool IsNuGetEntry(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.StartsWith("_rels/", StringComparison.OrdinalIgnoreCase)
            || path.Equals("[Content_Types].xml", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("package/services/metadata/", StringComparison.OrdinalIgnoreCase)
            || path.Equals(".signature.p7s", StringComparison.OrdinalIgnoreCase)
            || (!path.Contains('/', StringComparison.Ordinal) && path.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Turns a zip entry name into a package path: NuGet's percent-escaping undone and back slashes turned into forward slashes.</summary>
    /// <param name="entryName">The raw zip entry name.</param>
    /// <returns>The path as the manifest spells it.</returns>
    public static string NormalizeEntryName(string entryName)
    {
        ArgumentNullException.ThrowIfNull(entryName);
        var unescaped = entryName.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(entryName) : entryName;
        return unescaped.Replace('\\', '/');
    }

    /// <summary>Checks that a package path is a plain relative path: no <c>..</c>, no absolute path or drive letter, no empty or <c>.</c> segment, no control characters and no <c>:</c>.</summary>
    /// <param name="path">The normalised path.</param>
    /// <returns>Why the path is unsafe, or <see langword="null"/> when it is safe.</returns>
    public static string? FindPathProblem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return "the name is empty";
        }

        if (path[0] == '/')
        {
            return "it is an absolute path";
        }

        if (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':')
        {
            return "it starts with a drive letter";
        }

        if (path.Any(char.IsControl))
        {
            return "it contains control characters";
        }

        var trimmed = path.EndsWith('/') ? path[..^1] : path;
        foreach (var segment in trimmed.Split('/'))
        {
            if (segment == "..")
            {
                return "it climbs out of the package folder with '..'";
            }

            if (segment.Length == 0 || segment == ".")
            {
                return "it has an empty or '.' path segment";
            }

            if (segment.Contains(':', StringComparison.Ordinal))
            {
                return "it contains ':' (a drive letter or an alternate data stream)";
            }
        }

        return null;
    }

    /// <summary>Returns the key under which two paths count as the same file on a case-insensitive file system.</summary>
    /// <param name="path">The normalised path.</param>
    /// <returns>The path in Unicode normal form C, upper-cased with the invariant culture.</returns>
    public static string CollisionKey(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.TrimEnd('/').Normalize(NormalizationForm.FormC).ToUpperInvariant();
    }

    /// <summary>Computes the SHA-256 of a file in lower-case hex.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The hash and the size in bytes.</returns>
    public static (string Sha256, long Size) HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return (Convert.ToHexStringLower(SHA256.HashData(stream)), stream.Length);
    }
}
