using System.Globalization;
using System.Text;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>Turns free text into an FTS5 query that can never be a syntax error.</summary>
internal static class FtsQuery
{
    // Long pasted prompts make huge OR queries; the first terms carry enough signal for keyword ranking.
    private const int MaxTerms = 64;

    /// <summary>
    /// Splits <paramref name="text"/> into words (runs of letters and digits, as FTS5's unicode61 tokenizer does) and
    /// joins them as quoted strings with <c>OR</c>, so that operators, quotes, colons, parentheses and column filters
    /// in user input are plain text. Returns <see langword="null"/> when the text has no word.
    /// </summary>
    public static string? Build(string? text)
    {
        var terms = Terms(text);
        return terms.Count == 0 ? null : string.Join(" OR ", terms);
    }

    /// <summary>The quoted terms that <see cref="Build"/> joins, each an FTS5 query on its own.</summary>
    public static List<string> Terms(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var terms = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var word = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark)
            {
                word.Append(rune.ToString());
                continue;
            }

            Flush();
        }

        Flush();
        return terms;

        void Flush()
        {
            if (word.Length > 0 && terms.Count < MaxTerms && seen.Add(word.ToString()))
            {
                // Only letters and digits remain, so quoting needs no escaping; the quotes make FTS5 keywords
                // such as AND, OR, NOT and NEAR plain terms.
                terms.Add(string.Concat("\"", word.ToString(), "\""));
            }

            word.Clear();
        }
    }
}
