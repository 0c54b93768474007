using Microsoft.Extensions.Logging;
using PluginAI.Processing;

namespace PluginAI.Documents.Internal;

/// <summary>
/// Reads plain text: decodes it (see <see cref="TextSniffer"/>) and makes each paragraph a section. The title of a
/// reference page rendered as text is its NAME line; other text has none, and the chunker falls back to the file name.
/// </summary>
internal sealed class PlainTextParser(ILogger logger) : DocumentParser
{
    public override PreprocessorMetadata Metadata { get; } = new("plain-text")
    {
        Order = 100,
        MediaTypes = [DocumentMediaTypes.PlainText],
        Extensions = [".txt", ".text", ".log"],
    };

    protected override string FormatName => "text";

    protected override DocumentContent Parse(DocumentContent document, CancellationToken cancellationToken)
    {
        var text = TextDecoder.Decode(document, logger);
        var sections = new SectionWriter();
        foreach (var (start, end) in Paragraphs.Split(text, 0, text.Length))
        {
            sections.Add(text[start..end]);
        }

        return document with { Title = document.Title ?? DocumentTitles.ReferencePageName(text), Sections = sections.ToSections() };
    }
}
