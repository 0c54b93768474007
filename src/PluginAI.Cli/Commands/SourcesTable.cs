using System.Globalization;
using PluginAI.Retrieval;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary>Renders retrieved passages: number, file, page or section, score, and optionally the text.</summary>
internal static class SourcesTable
{
    public static Table Create(string title, IReadOnlyList<RetrievedPassage> passages, bool withText)
    {
        var table = new Table().RoundedBorder().Title($"[bold]{Markup.Escape(title)}[/]");
        table.AddColumn("#");
        table.AddColumn("Source");
        table.AddColumn("Where");
        table.AddColumn("Score");
        if (withText)
        {
            table.AddColumn("Passage");
        }

        for (var i = 0; i < passages.Count; i++)
        {
            var p = passages[i];
            var cells = new List<Spectre.Console.Rendering.IRenderable>
            {
                new Text($"[{i + 1}]"),
                new Text(p.SourcePath),
                new Text(Where(p)),
                new Text(p.Score.ToString("0.0000", CultureInfo.InvariantCulture)),
            };
            if (withText)
            {
                var flat = string.Join(' ', p.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                cells.Add(new Text(flat.Length > 240 ? flat[..240] + " …" : flat));
            }

            table.AddRow(cells);
        }

        return table;
    }

    public static string Where(RetrievedPassage p) => (p.Page, p.Section) switch
    {
        ({ } page, { Length: > 0 } section) => $"page {page}, {section}",
        ({ } page, _) => $"page {page}",
        (_, { Length: > 0 } section) => section,
        _ => $"chars {p.StartOffset}-{p.EndOffset}",
    };
}
