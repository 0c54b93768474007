using System.Text;
using System.Text.RegularExpressions;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>A glob over source paths: <c>**</c> any folders, <c>*</c> and <c>?</c> within one name, <c>{a,b}</c>, <c>[abc]</c>.</summary>
/// <remarks>
/// Separators <c>\</c> and <c>/</c> are equivalent and case is ignored, so one glob works for paths from any OS. A glob
/// that does not start with <c>/</c> or a drive matches at any folder boundary: <c>docs/*.md</c> matches
/// <c>/home/me/docs/a.md</c>, as a <c>.gitignore</c> pattern with a slash inside would under the folder it names.
/// </remarks>
internal sealed class PathGlob
{
    private readonly Regex _regex;

    private PathGlob(Regex regex) => _regex = regex;

    /// <summary>Compiles a glob.</summary>
    public static PathGlob Parse(string glob)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(glob);
        var pattern = glob.Replace('\\', '/');
        var anchored = pattern.StartsWith('/') || (pattern.Length > 1 && pattern[1] == ':');
        var builder = new StringBuilder(anchored ? "^" : "(?:^|/)");
        var inBraces = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    {
                        i++;
                        builder.Append("(?:.*/)?");
                    }
                    else
                    {
                        builder.Append(".*");
                    }

                    break;
                case '*':
                    builder.Append("[^/]*");
                    break;
                case '?':
                    builder.Append("[^/]");
                    break;
                case '{':
                    inBraces++;
                    builder.Append("(?:");
                    break;
                case '}' when inBraces > 0:
                    inBraces--;
                    builder.Append(')');
                    break;
                case ',' when inBraces > 0:
                    builder.Append('|');
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close > i + 1)
                    {
                        var set = pattern[(i + 1)..close];
                        var negate = set.StartsWith('!');
                        builder.Append('[').Append(negate ? "^" : string.Empty)
                            .Append(Regex.Escape(negate ? set[1..] : set).Replace("\\-", "-", StringComparison.Ordinal)).Append(']');
                        i = close;
                    }
                    else
                    {
                        builder.Append("\\[");
                    }

                    break;
                default:
                    builder.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        if (inBraces > 0)
        {
            throw new ArgumentException($"The glob '{glob}' has an unclosed '{{'.", nameof(glob));
        }

        builder.Append('$');
        return new PathGlob(new Regex(builder.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
    }

    /// <summary>Tests a source path.</summary>
    public bool IsMatch(string path) => _regex.IsMatch(path.Replace('\\', '/'));
}
