using Microsoft.Extensions.Logging;
using PluginAI.Processing;

namespace PluginAI.Documents.Internal;

/// <summary>Reads plain text: decodes it (see <see cref="TextSniffer"/>) and makes each paragraph a section.</summary>
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

        return document with { Sections = sections.ToSections() };
    }
}
