using System.Text;
using PluginAI.Processing;
using PluginAI.Testing;

namespace PluginAI.Documents.Tests;

public sealed class MarkdownParserConformanceTests : PreprocessorConformanceTests
{
    protected override IPreprocessor CreatePreprocessor() => Pipeline.CreateAsync().GetAwaiter().GetResult().Single(p => p.Metadata.Name == "markdown");

    protected override DocumentContent? CreateSampleDocument() => new()
    {
        SourcePath = "guide.md",
        MediaType = DocumentMediaTypes.Markdown,
        Content = Encoding.UTF8.GetBytes("# Guide\n\nLighthouses guide ships.\n\n## Keepers\n\nKeepers tend the light.\n"),
    };

    protected override DocumentContent? CreateUnreadableDocument() => new()
    {
        SourcePath = "damaged.md",
        MediaType = DocumentMediaTypes.Markdown,
        Content = new byte[] { 0x23, 0x20, 0x00, 0x00, 0xFF, 0xFE, 0x00, 0x01, 0x02, 0x03, 0x00, 0x00, 0x89, 0x50, 0x4E, 0x47, 0x00, 0x00 },
    };
}

public sealed class ChunkerConformanceTests : PreprocessorConformanceTests
{
    protected override IPreprocessor CreatePreprocessor() => Pipeline.CreateAsync().GetAwaiter().GetResult().Single(p => p.Metadata.Name == "chunker");

    protected override DocumentContent? CreateSampleDocument() => new()
    {
        SourcePath = "notes.txt",
        MediaType = DocumentMediaTypes.PlainText,
        Sections = [new DocumentSection { Text = string.Join(' ', Enumerable.Repeat("The keeper climbs the stairs and lights the lamp at dusk.", 60)) }],
    };
}
