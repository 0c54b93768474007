using System.Text;
using System.Text.RegularExpressions;

namespace PluginAI.Runtime.Ingestion;

/// <summary>A path glob: <c>*</c> within a segment, <c>**</c> across segments, <c>?</c> one character; matched against relative paths with '/'.</summary>
/// <remarks>A glob without '/' matches the file name in any folder, as in .gitignore.</remarks>
public sealed class Glob
{
    private readonly Regex _regex;

    /// <summary>Initializes a new instance of the <see cref="Glob"/> class.</summary>
    /// <param name="pattern">The pattern, such as <c>docs/**/*.md</c> or <c>*.tmp</c>.</param>
    public Glob(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        Pattern = pattern.Trim().Replace('\\', '/');
        var body = Pattern.TrimStart('/');
        if (body.EndsWith('/'))
        {
            body += "**";
        }

        var anchored = Pattern.StartsWith('/') || body.Contains('/', StringComparison.Ordinal);
        var regex = new StringBuilder(anchored ? "^" : "^(?:.*/)?");
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '*' && i + 1 < body.Length && body[i + 1] == '*')
            {
                i++;
                if (i + 1 < body.Length && body[i + 1] == '/')
                {
                    i++;
                    regex.Append("(?:.*/)?");
                }
                else
                {
                    regex.Append(".*");
                }
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        regex.Append('$');
        _regex = new Regex(regex.ToString(), RegexOptions.CultureInvariant | (OperatingSystem.IsLinux() ? RegexOptions.None : RegexOptions.IgnoreCase));
    }

    /// <summary>Gets the pattern.</summary>
    public string Pattern { get; }

    /// <summary>Returns whether a relative path matches.</summary>
    /// <param name="relativePath">The path relative to the folder the glob applies to.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public bool IsMatch(string relativePath) => _regex.IsMatch(relativePath.Replace('\\', '/'));

    /// <inheritdoc />
    public override string ToString() => Pattern;
}
