using System.Text;

namespace PluginAI.Documents.Tests;

public sealed class TextParserTests : IDisposable
{
    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task PlainText_ParagraphsBecomeSections_AtTheirOffsets()
    {
        var path = _files.Write("notes.txt", "First paragraph\nstill first.\r\n\r\n   \nSecond paragraph.\n\n\nThird.");

        var document = await Pipeline.RunAsync(path);

        Assert.Equal(DocumentMediaTypes.PlainText, document.MediaType);
        Assert.Equal(["First paragraph\nstill first.", "Second paragraph.", "Third."], document.Sections.Select(s => s.Text));
        Assert.All(document.Sections, s => Assert.Null(s.Section));
        Assert.Equal("First paragraph\nstill first.\n\nSecond paragraph.\n\nThird.", Pipeline.ExtractedText(document));
    }

    [Theory]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    [InlineData("utf-32le")]
    [InlineData("utf-8")]
    public async Task PlainText_WithByteOrderMark_IsDecoded(string encodingName)
    {
        var encoding = encodingName switch
        {
            "utf-16le" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
            "utf-16be" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
            "utf-32le" => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
            _ => (Encoding)new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
        };
        const string Text = "Grüße aus Köln – 東京 too.";
        var path = _files.Write("greeting.txt", [.. encoding.GetPreamble(), .. encoding.GetBytes(Text)]);

        var document = await Pipeline.RunAsync(path);

        Assert.Equal(Text, Assert.Single(document.Sections).Text);
    }

    [Fact]
    public async Task PlainText_NotUtf8_IsReadAsWindows1252()
    {
        // 0x80 is the euro sign in Windows-1252; Latin-1 proper has a control character there.
        var bytes = Encoding.Latin1.GetBytes("Prix: 5 ").Concat(new byte[] { 0x80 }).Concat(Encoding.Latin1.GetBytes(" le café crème.")).ToArray();
        var path = _files.Write("prix.txt", bytes);

        var document = await Pipeline.RunAsync(path);

        Assert.Equal("Prix: 5 € le café crème.", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public async Task PlainText_Utf8WithAStrayByte_KeepsItsUtf8Characters()
    {
        var bytes = Encoding.UTF8.GetBytes("Grüße, naïve café ").Concat(new byte[] { 0xFF }).Concat(Encoding.UTF8.GetBytes(" end")).ToArray();
        var path = _files.Write("mixed.txt", bytes);

        var document = await Pipeline.RunAsync(path);

        Assert.Equal("Grüße, naïve café \uFFFD end", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public async Task BinaryFileNamedTxt_IsRejectedAsBinary_NamingTheFile()
    {
        var bytes = new byte[2048];
        new Random(42).NextBytes(bytes);
        bytes[10] = 0;
        var path = _files.Write("photo.txt", bytes);

        var error = await Assert.ThrowsAsync<PluginException>(() => Pipeline.RunAsync(path));

        Assert.Contains("is a binary file, not text", error.Message, StringComparison.Ordinal);
        Assert.Contains("photo.txt", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.FilePath);
        Assert.Equal("document.binary", error.ErrorCode);
    }

    [Fact]
    public async Task BinaryContent_DeclaredAsPlainText_IsStillRejected()
    {
        var path = _files.Write("declared.txt", [0x00, 0x01, 0x02, 0x03, 0xFF, 0xFE, 0x00, 0x10]);

        var error = await Assert.ThrowsAsync<PluginException>(() => Pipeline.RunAsync(path, mediaType: DocumentMediaTypes.PlainText));

        Assert.Equal("document.binary", error.ErrorCode);
    }

    [Fact]
    public async Task EmptyFile_GivesNoSectionsAndNoChunks()
    {
        var path = _files.Write("empty.txt", []);

        var document = await Pipeline.RunAsync(path);

        Assert.Equal(DocumentMediaTypes.PlainText, document.MediaType);
        Assert.Empty(document.Sections);
        Assert.Empty(document.Chunks);
    }

    [Fact]
    public async Task KnownMediaType_IsNotReplacedByDetection()
    {
        var path = _files.Write("readme", "# Heading\n\nBody");

        var document = await Pipeline.RunAsync(path, mediaType: DocumentMediaTypes.Markdown);

        Assert.Equal(DocumentMediaTypes.Markdown, document.MediaType);
        Assert.Equal("Heading", document.Sections[1].Section);
    }
}
