using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PluginAI.Processing;

namespace PluginAI.Citations;

/// <summary>Keeps the citations of an answer that point at a retrieved source and drops the rest, reporting each one dropped.</summary>
/// <remarks>
/// Citations are bracketed source numbers, <c>[2]</c> or <c>[1, 3]</c>, numbered from 1 in the order of
/// <see cref="PostprocessorContext.Sources"/>. A bracket that might still be growing at the end of an update is held
/// back until it closes or cannot be a citation. Stateless between streams.
/// </remarks>
internal sealed partial class CitationPostprocessor : TextStreamPostprocessor
{
    private const string Name = "citation-check";
    private const int MaxCitationLength = 24;

    public override PostprocessorMetadata Metadata { get; } = new(Name)
    {
        Order = 100,
        Description = "Drops citations that point at no retrieved source.",
    };

    protected override string Release(StringBuilder pending, PostprocessorContext context, bool final, ICollection<PostprocessorFinding> findings) => Check(pending, context, final, findings);

    /// <summary>Rewrites the citations in <paramref name="pending"/> and removes the text that can no longer change.</summary>
    internal static string Check(StringBuilder pending, PostprocessorContext context, bool final, ICollection<PostprocessorFinding> findings)
    {
        var text = pending.ToString();
        var cut = text.Length;
        if (!final)
        {
            // Hold back an unclosed bracket that could still become a citation.
            var open = text.LastIndexOf('[');
            if (open >= 0 && text.IndexOf(']', open) < 0 && text.Length - open <= MaxCitationLength && OpenCitation().IsMatch(text.AsSpan(open)))
            {
                cut = open;
            }
        }

        var head = text[..cut];
        var result = Citation().Replace(head, match => Rewrite(match, context, findings));
        pending.Remove(0, cut);
        return result;
    }

    private static string Rewrite(Match match, PostprocessorContext context, ICollection<PostprocessorFinding> findings)
    {
        var kept = new List<int>();
        foreach (var part in match.Groups["numbers"].Value.Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var number = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (number >= 1 && number <= context.Sources.Count)
            {
                kept.Add(number);
            }
            else
            {
                findings.Add(new PostprocessorFinding(Name, "citation.dropped", context.Sources.Count == 0
                    ? $"dropped citation [{number}]: no sources were retrieved"
                    : $"dropped citation [{number}]: only sources 1 to {context.Sources.Count} were retrieved"));
            }
        }

        if (kept.Count == 0)
        {
            return string.Empty;
        }

        return $"{match.Groups["space"].Value}[{string.Join(", ", kept)}]";
    }

    [GeneratedRegex(@"(?<space>[ \t]?)(?<!\w)\[(?<numbers>\s*\d{1,4}\s*(?:[,;]\s*\d{1,4}\s*)*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex Citation();

    [GeneratedRegex(@"^\[[\d,;\s]*$", RegexOptions.CultureInvariant)]
    private static partial Regex OpenCitation();
}
