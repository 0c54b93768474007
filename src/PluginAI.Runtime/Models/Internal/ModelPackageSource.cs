using System.Text.RegularExpressions;

namespace PluginAI.Runtime.Models.Internal;

/// <summary>Reads a <c>pkg:ID[@VERSION]</c> source: a model package from the configured package sources.</summary>
internal static partial class ModelPackageSource
{
    public const string Prefix = "pkg:";

    public static bool TryParse(string source, out string id, out string? version)
    {
        id = string.Empty;
        version = null;
        if (!source.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = source[Prefix.Length..];
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            version = rest[(at + 1)..];
            rest = rest[..at];
        }

        if (!IdPattern().IsMatch(rest) || version is "")
        {
            throw new PluginException($"'{source}' is not a model package source; expected pkg:ID or pkg:ID@VERSION, with a NuGet package id such as pkg:Acme.TinyStories@1.0.0.") { ErrorCode = "pull.source" };
        }

        id = rest;
        return true;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_]+([.-][A-Za-z0-9_]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
