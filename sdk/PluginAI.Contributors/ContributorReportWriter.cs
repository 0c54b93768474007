using System.Globalization;
using System.Security;

namespace PluginAI.Contributors;

/// <summary>Writes scores as CSV or as an SVG bar chart of shares.</summary>
public static class ContributorReportWriter
{
    /// <summary>Writes one CSV row per contributor with a header row; fields are quoted where CSV requires it.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="scores">The scores.</param>
    public static void WriteCsv(TextWriter writer, IReadOnlyList<ContributorScore> scores)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(scores);
        writer.WriteLine("id,name,code_commits,doc_commits,issues,code_lines_added,code_lines_removed,doc_lines_added,doc_lines_removed,raw_score,share");
        foreach (var score in scores)
        {
            var s = score.Statistics;
            writer.WriteLine(string.Join(',',
                Quote(s.Id), Quote(s.Name), Number(s.CodeCommits), Number(s.DocCommits), Number(s.Issues),
                Number(s.CodeLinesAdded), Number(s.CodeLinesRemoved), Number(s.DocLinesAdded), Number(s.DocLinesRemoved),
                score.RawScore.ToString("R", CultureInfo.InvariantCulture), score.Share.ToString("R", CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>Writes a horizontal bar chart of the shares as a standalone SVG document; names are XML-escaped.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="scores">The scores, drawn in the given order.</param>
    /// <param name="title">The chart title.</param>
    public static void WriteSvg(TextWriter writer, IReadOnlyList<ContributorScore> scores, string title = "Contributor shares")
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(scores);
        const int rowHeight = 24, labelWidth = 220, barWidth = 400, top = 36;
        var height = top + (scores.Count * rowHeight) + 12;
        var width = labelWidth + barWidth + 80;
        var max = scores.Count == 0 ? 0 : scores.Max(s => s.Share);
        writer.WriteLine(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"13\">"));
        writer.WriteLine(Invariant($"  <title>{Escape(title)}</title>"));
        writer.WriteLine(Invariant($"  <text x=\"8\" y=\"22\" font-weight=\"bold\">{Escape(title)}</text>"));
        for (var i = 0; i < scores.Count; i++)
        {
            var score = scores[i];
            var y = top + (i * rowHeight);
            var length = max > 0 ? score.Share / max * barWidth : 0;
            writer.WriteLine(Invariant($"  <text x=\"{labelWidth - 8}\" y=\"{y + 16}\" text-anchor=\"end\">{Escape(score.Statistics.Name)}</text>"));
            writer.WriteLine(Invariant($"  <rect x=\"{labelWidth}\" y=\"{y + 4}\" width=\"{length:0.##}\" height=\"{rowHeight - 8}\" fill=\"#4c78a8\"/>"));
            writer.WriteLine(Invariant($"  <text x=\"{labelWidth + length + 6:0.##}\" y=\"{y + 16}\">{score.Share * 100:0.0}%</text>"));
        }

        writer.WriteLine("</svg>");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
