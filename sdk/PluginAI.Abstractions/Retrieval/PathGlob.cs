using System.Text;
using System.Text.RegularExpressions;

namespace PluginAI.Retrieval;

/// <summary>
/// A glob over file paths, with the one syntax PluginAI uses everywhere: <see cref="RetrievalQuery.PathGlob"/>
/// (<c>pluginai search --path</c>, <c>ask --path</c>), <c>pluginai ingest --include</c> and <c>--exclude</c>,
/// <c>.pluginaiignore</c> files, and the file patterns of contributor statistics.
/// </summary>
/// <remarks>
/// <para>
/// Syntax: <c>*</c> matches any characters within one path segment, <c>**</c> any characters across segments
/// (<c>**/</c> also matches no folder at all), <c>?</c> one character other than a separator, <c>{a,b}</c> either
/// alternative, <c>[abc]</c> and <c>[a-z]</c> one character of a set, <c>[!abc]</c> one character not in it (write
/// <c>[[]</c> for a literal <c>[</c>). Every other character is literal. <c>/</c> and <c>\</c> are the same separator
/// in patterns and paths, and matching ignores case (invariant culture), so one glob selects the same files whichever
/// operating system wrote the path.
/// </para>
/// <para>
/// Anchoring, as in <c>.gitignore</c>: a pattern without a separator, such as <c>*.md</c>, matches the last segment
/// of the path in any folder. A pattern with a separator inside, such as <c>docs/*.md</c>, is relative to a root:
/// a relative path is matched from its start, while an absolute path (starting with <c>/</c> or a drive such as
/// <c>C:</c>), whose root is unknown, is matched from any folder in it, so <c>docs/*.md</c> matches
/// <c>/home/me/docs/a.md</c>. A pattern starting with <c>/</c> or a drive is anchored at the start of the path
/// (a leading <c>/</c> also matches a relative path from its start). A pattern ending in <c>/</c> matches everything
/// under that folder, as if it ended in <c>/**</c>.
/// </para>
/// <para>Instances are immutable and thread-safe; matching takes time linear in the length of the path.</para>
/// </remarks>
public sealed class PathGlob
{
    private const string AnyFolders = "(?:.*/)?";
    private const string AbsoluteRoot = "(?:(?:/|[A-Za-z]:/)" + AnyFolders + ")?";

    private readonly Regex? _regex;
    private readonly string[] _patterns;

    private PathGlob(string[] patterns, Regex? regex)
    {
        _patterns = patterns;
        _regex = regex;
    }

    /// <summary>Gets the patterns this glob was parsed from.</summary>
    public IReadOnlyList<string> Patterns => _patterns;

    /// <summary>Parses one pattern.</summary>
    /// <param name="pattern">The pattern, such as <c>docs/**/*.md</c> or <c>*.{md,txt}</c>.</param>
    /// <returns>The glob.</returns>
    /// <exception cref="ArgumentException">The pattern is empty or has an unclosed <c>{</c>.</exception>
    public static PathGlob Parse(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        return new PathGlob([pattern], Compile([ToRegex(pattern)]));
    }

    /// <summary>Parses a set of patterns into one glob that matches a path when any of them does.</summary>
    /// <param name="patterns">The patterns; blank ones are skipped. With none, the glob matches nothing.</param>
    /// <returns>The glob, matched in one pass whatever the number of patterns.</returns>
    /// <exception cref="ArgumentException">A pattern has an unclosed <c>{</c>.</exception>
    public static PathGlob ParseAny(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var kept = patterns.Where(p => !string.IsNullOrWhiteSpace(p)).ToArray();
        return new PathGlob(kept, kept.Length == 0 ? null : Compile(kept.Select(ToRegex)));
    }

    /// <summary>Returns whether a path matches.</summary>
    /// <param name="path">A relative or absolute path, with <c>/</c> or <c>\</c> separators.</param>
    /// <returns><see langword="true"/> when the path matches.</returns>
    public bool IsMatch(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return _regex is not null && _regex.IsMatch(path.Replace('\\', '/'));
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", _patterns);

    private static Regex Compile(IEnumerable<string> alternatives) =>
        new("^(?:" + string.Join('|', alternatives) + ")\\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    private static string ToRegex(string glob)
    {
        var pattern = glob.Trim().Replace('\\', '/');
        if (pattern.EndsWith('/'))
        {
            pattern += "**";
        }

        var builder = new StringBuilder();
        if (pattern.StartsWith('/'))
        {
            builder.Append("/?");
            pattern = pattern.TrimStart('/');
        }
        else if (!(pattern.Length > 1 && pattern[1] == ':' && char.IsAsciiLetter(pattern[0])))
        {
            builder.Append(pattern.Contains('/', StringComparison.Ordinal) ? AbsoluteRoot : AnyFolders);
        }

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
                        builder.Append(AnyFolders);
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
                case '[' when pattern.IndexOf(']', i + 1) is var close && close > i + 1:
                    AppendClass(builder, pattern[(i + 1)..close]);
                    i = close;
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

        return builder.ToString();
    }

    private static void AppendClass(StringBuilder builder, string set)
    {
        var negate = set.Length > 1 && set[0] == '!';
        if (negate)
        {
            set = set[1..];
        }

        builder.Append(negate ? "[^/" : "[");
        foreach (var c in set)
        {
            // A range's '-' stays a range; everything else is taken literally inside the class.
            builder.Append(c == '-' ? "-" : c is '\\' or ']' or '[' or '^' ? "\\" + c : c.ToString());
        }

        builder.Append(']');
    }
}
