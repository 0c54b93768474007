using System.Text;
using System.Text.RegularExpressions;

namespace PluginAI.Contributors.Internal;

/// <summary>A set of globs compiled into one regular expression, so classifying a path is one match.</summary>
internal sealed class Glob
{
    private readonly Regex? _regex;

    public Glob(IEnumerable<string> patterns)
    {
        var alternatives = patterns.Where(p => !string.IsNullOrWhiteSpace(p)).Select(ToRegex).ToList();
        if (alternatives.Count > 0)
        {
            _regex = new Regex("^(?:" + string.Join('|', alternatives) + ")$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
        }
    }

    public bool IsMatch(string path) => _regex is not null && _regex.IsMatch(path);

    private static string ToRegex(string pattern)
    {
        pattern = pattern.Trim().Replace('\\', '/').TrimStart('/');
        var builder = new StringBuilder();

        // A bare name such as "*.md" means that name in any folder, as in .gitignore.
        if (!pattern.Contains('/', StringComparison.Ordinal))
        {
            builder.Append("(?:.*/)?");
        }

        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    // "**/" may also match no folder at all.
                    i++;
                    builder.Append("(?:.*/)?");
                }
                else
                {
                    builder.Append(".*");
                }
            }
            else if (c == '*')
            {
                builder.Append("[^/]*");
            }
            else if (c == '?')
            {
                builder.Append("[^/]");
            }
            else
            {
                builder.Append(Regex.Escape(c.ToString()));
            }
        }

        return builder.ToString();
    }
}
