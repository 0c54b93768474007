using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using PluginAI.Processing;

namespace PluginAI.Documents.Internal;

/// <summary>Reads Word documents (.docx) with the Open XML SDK: paragraphs, headings as the section path, tables as text.</summary>
/// <remarks>
/// A paragraph is a heading when its style is named <c>heading N</c> (the built-in names are English in every UI
/// language), has an outline level, or has the id <c>HeadingN</c>. Table rows become lines of cells joined with
/// <c> | </c>. Deleted revisions and field codes are left out; headers, footers, footnotes and comments are not read.
/// The title is the document property, else the first paragraph in the <c>Title</c> style. A password-protected
/// document (an OLE compound file, not a ZIP package) and a damaged one are reported as <see cref="PluginException"/>.
/// </remarks>
internal sealed partial class DocxParser : DocumentParser
{
    /// <summary>Bounds what one part may expand to, so that a small compressed file cannot exhaust memory.</summary>
    private const long MaxCharactersInPart = 64L * 1024 * 1024;

    public override PreprocessorMetadata Metadata { get; } = new("docx")
    {
        Order = 100,
        MediaTypes = [DocumentMediaTypes.Docx],
        Extensions = [".docx"],
    };

    protected override string FormatName => "a Word document";

    protected override DocumentContent Parse(DocumentContent document, CancellationToken cancellationToken)
    {
        if (document.Content.Span.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
        {
            throw DocumentErrors.PasswordProtected(document.SourcePath, "Word document");
        }

        using var stream = MemoryMarshal.TryGetArray(document.Content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(document.Content.ToArray(), writable: false);
        using var word = WordprocessingDocument.Open(stream, false, new OpenSettings { MaxCharactersInPart = MaxCharactersInPart });
        var body = word.MainDocumentPart?.Document?.Body ?? throw DocumentErrors.Corrupt(document.SourcePath, FormatName);
        var styles = HeadingStyles(word.MainDocumentPart.StyleDefinitionsPart);
        var sections = new SectionWriter();
        var headings = new HeadingPath();
        var text = new StringBuilder();
        string? title = word.PackageProperties.Title is { Length: > 0 } property ? property.Trim() : null;
        var blocks = new Stack<OpenXmlElement>(body.ChildElements.Reverse());
        while (blocks.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (blocks.Pop())
            {
                case Paragraph paragraph:
                    text.Clear();
                    AppendRuns(paragraph, text);
                    var level = HeadingLevel(paragraph, styles);
                    if (level == TitleLevel)
                    {
                        title ??= TextUtilities.CollapseWhiteSpace(text.ToString());
                    }
                    else if (level > 0)
                    {
                        headings.Enter(level, TextUtilities.CollapseWhiteSpace(text.ToString()));
                    }

                    sections.Add(text.ToString(), headings.Current);
                    break;
                case Table table:
                    text.Clear();
                    AppendTable(table, text);
                    sections.Add(text.ToString(), headings.Current);
                    break;
                case OpenXmlCompositeElement container when container is SdtBlock or SdtContentBlock or CustomXmlBlock:
                    foreach (var child in container.ChildElements.Reverse())
                    {
                        blocks.Push(child);
                    }

                    break;
            }
        }

        var extracted = sections.ToSections();
        return document with { Title = title ?? document.Title ?? DocumentTitles.FirstLine(extracted), Sections = extracted };
    }

    private const int TitleLevel = -1;

    private static Dictionary<string, int> HeadingStyles(StyleDefinitionsPart? part)
    {
        var levels = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var style in part?.Styles?.Elements<Style>() ?? [])
        {
            if (style.StyleId?.Value is not { } id)
            {
                continue;
            }

            var name = style.StyleName?.Val?.Value;
            if (name is not null && HeadingName().Match(name) is { Success: true } match)
            {
                levels[id] = int.Parse(match.Groups[1].ValueSpan, provider: null);
            }
            else if (string.Equals(name, "Title", StringComparison.OrdinalIgnoreCase))
            {
                levels[id] = TitleLevel;
            }
            else if (style.StyleParagraphProperties?.OutlineLevel?.Val?.Value is { } outline && outline < 9)
            {
                levels[id] = outline + 1;
            }
        }

        return levels;
    }

    private static int HeadingLevel(Paragraph paragraph, Dictionary<string, int> styles)
    {
        var properties = paragraph.ParagraphProperties;
        if (properties?.OutlineLevel?.Val?.Value is { } outline && outline < 9)
        {
            return outline + 1;
        }

        if (properties?.ParagraphStyleId?.Val?.Value is not { } styleId)
        {
            return 0;
        }

        if (styles.TryGetValue(styleId, out var level))
        {
            return level;
        }

        // Documents written without a styles part (some generators) still name the built-in styles by id.
        if (HeadingId().Match(styleId) is { Success: true } match)
        {
            return int.Parse(match.Groups[1].ValueSpan, provider: null);
        }

        return string.Equals(styleId, "Title", StringComparison.OrdinalIgnoreCase) ? TitleLevel : 0;
    }

    private static void AppendRuns(OpenXmlElement paragraph, StringBuilder output)
    {
        foreach (var element in paragraph.Descendants())
        {
            switch (element)
            {
                case Text text:
                    output.Append(text.Text);
                    break;
                case TabChar:
                    output.Append('\t');
                    break;
                case Break or CarriageReturn:
                    output.Append('\n');
                    break;
                case NoBreakHyphen:
                    output.Append('-');
                    break;
            }
        }
    }

    private static void AppendTable(Table table, StringBuilder output)
    {
        foreach (var row in table.Elements<TableRow>())
        {
            var first = true;
            foreach (var cell in row.Elements<TableCell>())
            {
                if (!first)
                {
                    output.Append(" | ");
                }

                first = false;
                var cellText = new StringBuilder();
                foreach (var paragraph in cell.Descendants<Paragraph>())
                {
                    if (cellText.Length > 0)
                    {
                        cellText.Append(' ');
                    }

                    AppendRuns(paragraph, cellText);
                }

                output.Append(TextUtilities.CollapseWhiteSpace(cellText.ToString()));
            }

            output.Append('\n');
        }
    }

    [GeneratedRegex(@"^heading\s*([1-9])$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HeadingName();

    [GeneratedRegex(@"^heading([1-9])$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HeadingId();
}
