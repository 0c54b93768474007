using System.Text;

namespace PluginAI.Documents.Tests;

public sealed class MediaTypeDetectorTests
{
    [Theory]
    [InlineData("notes.md", "# Title\n\nText", DocumentMediaTypes.Markdown)]
    [InlineData("page.HTM", "<p>hi</p>", DocumentMediaTypes.Html)]
    [InlineData("table.csv", "a,b\n1,2", DocumentMediaTypes.Csv)]
    [InlineData("table.tsv", "a\tb\n1\t2", DocumentMediaTypes.Tsv)]
    [InlineData("data.json", "{\"a\": [1, 2]}", DocumentMediaTypes.Json)]
    [InlineData("app.log", "12:00 started", DocumentMediaTypes.PlainText)]
    [InlineData("Program.cs", "class A { }", DocumentMediaTypes.PlainText)]
    public void Detect_TextFile_UsesTheExtension(string name, string content, string expected) =>
        Assert.Equal(expected, MediaTypeDetector.Detect(Encoding.UTF8.GetBytes(content), name));

    [Fact]
    public void Detect_PdfMagic_IsPdfWhateverTheName() =>
        Assert.Equal(DocumentMediaTypes.Pdf, MediaTypeDetector.Detect(TestDocuments.TwoPagePdf(), "report.txt"));

    [Fact]
    public void Detect_ZipWithWordDocument_IsDocxWhateverTheName() =>
        Assert.Equal(DocumentMediaTypes.Docx, MediaTypeDetector.Detect(TestDocuments.Handbook(), "download.bin"));

    [Fact]
    public void Detect_OtherZipArchive_IsUnsupported()
    {
        using var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry("xl/workbook.xml").Open());
            writer.Write("<workbook/>");
        }

        Assert.Null(MediaTypeDetector.Detect(stream.ToArray(), "book.xlsx"));
    }

    [Fact]
    public void Detect_BinaryNamedTxt_IsNull()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        Assert.Null(MediaTypeDetector.Detect(bytes, "readme.txt"));
    }

    [Fact]
    public void Detect_ControlBytesWithoutNul_IsNull()
    {
        var bytes = Enumerable.Range(0, 2000).Select(i => (byte)(i % 3 == 0 ? 0x01 : 'a')).ToArray();
        Assert.Null(MediaTypeDetector.Detect(bytes, "data.txt"));
    }

    [Theory]
    [InlineData("empty.md", DocumentMediaTypes.Markdown)]
    [InlineData("empty", DocumentMediaTypes.PlainText)]
    public void Detect_EmptyFile_UsesTheExtensionOrPlainText(string name, string expected) =>
        Assert.Equal(expected, MediaTypeDetector.Detect([], name));

    [Fact]
    public void Detect_HtmlWithoutExtension_IsHtml() =>
        Assert.Equal(DocumentMediaTypes.Html, MediaTypeDetector.Detect(Encoding.UTF8.GetBytes("  <!DOCTYPE html><html><body>x</body></html>"), "saved-page"));

    [Fact]
    public void Detect_TextMentioningHtml_IsPlainText() =>
        Assert.Equal(DocumentMediaTypes.PlainText, MediaTypeDetector.Detect(Encoding.UTF8.GetBytes("Use <html> as the root element."), "notes"));

    [Fact]
    public void Detect_JsonWithoutExtension_IsJsonOnlyWhenItParses()
    {
        Assert.Equal(DocumentMediaTypes.Json, MediaTypeDetector.Detect(Encoding.UTF8.GetBytes("[{\"id\": 1}]"), "export"));
        Assert.Equal(DocumentMediaTypes.PlainText, MediaTypeDetector.Detect(Encoding.UTF8.GetBytes("[draft] not json"), "export"));
    }

    [Fact]
    public void Detect_JsonExtensionThatDoesNotParse_IsPlainText() =>
        Assert.Equal(DocumentMediaTypes.PlainText, MediaTypeDetector.Detect(Encoding.UTF8.GetBytes("{\"a\": "), "broken.json"));

    [Fact]
    public void Detect_Utf16WithoutByteOrderMark_IsText() =>
        Assert.Equal(DocumentMediaTypes.PlainText, MediaTypeDetector.Detect(Encoding.Unicode.GetBytes("Plain words in UTF-16."), "note.txt"));

    [Fact]
    public void Detect_Latin1Text_IsText() =>
        Assert.Equal(DocumentMediaTypes.PlainText, MediaTypeDetector.Detect(Encoding.Latin1.GetBytes("Crème brûlée à la française, garçon."), "menu.txt"));

    [Theory]
    [InlineData("text/plain; charset=utf-8", DocumentMediaTypes.PlainText, true)]
    [InlineData("TEXT/HTML", DocumentMediaTypes.Html, true)]
    [InlineData("text/plainer", DocumentMediaTypes.PlainText, false)]
    [InlineData(null, DocumentMediaTypes.PlainText, false)]
    public void Matches_IgnoresCaseAndParameters(string? mediaType, string expected, bool matches) =>
        Assert.Equal(matches, DocumentMediaTypes.Matches(mediaType, expected));
}
