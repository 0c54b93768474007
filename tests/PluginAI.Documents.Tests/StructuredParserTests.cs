using PluginAI.Processing;

namespace PluginAI.Documents.Tests;

public sealed class StructuredParserTests : IDisposable
{
    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Markdown_NestedHeadings_BecomeTheSectionPath()
    {
        var path = _files.Write("guide.md", """
            ---
            title: "The Guide"
            ---
            # PluginAI

            An **offline** assistant, see [the site](https://example.org).

            ## Install

            ### Linux

            - Download the *package*
              - check the `sha256`
            1. Run it

            ```bash
            sudo dpkg -i pluginai.deb
            ```

            ### Windows

            | Step | Action |
            |------|--------|
            | 1    | Run setup |

            ## Use

            > Ask a question.

            <div>raw html</div>
            """);

        var document = await Pipeline.RunAsync(path);

        Assert.Equal(DocumentMediaTypes.Markdown, document.MediaType);
        Assert.Equal("The Guide", document.Title);
        string?[] expectedSections =
        [
            "PluginAI", "PluginAI", "PluginAI > Install", "PluginAI > Install > Linux", "PluginAI > Install > Linux",
            "PluginAI > Install > Linux", "PluginAI > Install > Linux", "PluginAI > Install > Windows",
            "PluginAI > Install > Windows", "PluginAI > Use", "PluginAI > Use",
        ];
        Assert.Equal(expectedSections, document.Sections.Select(s => s.Section));
        var texts = document.Sections.Select(s => s.Text).ToList();
        Assert.Contains("An offline assistant, see the site.", texts);
        Assert.Contains("- Download the package\n  - check the sha256", texts);
        Assert.Contains("1. Run it", texts);
        Assert.Contains("sudo dpkg -i pluginai.deb", texts);
        Assert.Contains("Step | Action\n1 | Run setup", texts);
        Assert.Contains("Ask a question.", texts);
        Assert.DoesNotContain(texts, t => t.Contains("raw html", StringComparison.Ordinal));
        Pipeline.ExtractedText(document);
    }

    [Fact]
    public async Task Markdown_WithoutFrontMatter_TakesTheFirstLevelOneHeadingAsTitle()
    {
        var path = _files.Write("readme.md", "Intro before any heading.\n\n# Real  Title\n\nBody.");

        var document = await Pipeline.RunAsync(path);

        Assert.Equal("Real Title", document.Title);
        Assert.Null(document.Sections[0].Section);
        Assert.Equal("Real Title", document.Sections[^1].Section);
    }

    [Fact]
    public async Task Html_DropsScriptsAndStyles_KeepsVisibleTextUnderHeadings()
    {
        var path = _files.Write("page.html", """
            <!DOCTYPE html>
            <html><head><title> Release   notes </title>
            <style>body { color: red; }</style>
            <script>var secret = "tracking";</script></head>
            <body>
              <h1>Version 2</h1>
              <p>Faster   <b>search</b>
                 and smaller   index.</p>
              <script>document.write("injected")</script>
              <noscript>Enable JavaScript</noscript>
              <template><p>template text</p></template>
              <div hidden>hidden text</div>
              <div style="display: none">invisible</div>
              <h2>Fixes</h2>
              <ul><li>Crash on start</li><li>Slow import</li></ul>
              <table><tr><th>Bug</th><th>State</th></tr><tr><td>#12</td><td>fixed</td></tr></table>
              <pre>line 1
              line 2</pre>
              <p>Line<br>break</p>
            </body></html>
            """);

        var document = await Pipeline.RunAsync(path);

        Assert.Equal(DocumentMediaTypes.Html, document.MediaType);
        Assert.Equal("Release notes", document.Title);
        var text = Pipeline.ExtractedText(document);
        Assert.Contains("Faster search and smaller index.", text, StringComparison.Ordinal);
        Assert.Contains("Bug | State", text, StringComparison.Ordinal);
        Assert.Contains("#12 | fixed", text, StringComparison.Ordinal);
        Assert.Contains("line 1\n  line 2", text, StringComparison.Ordinal);
        Assert.Contains("Line\nbreak", text, StringComparison.Ordinal);
        foreach (var dropped in new[] { "color: red", "tracking", "injected", "Enable JavaScript", "template text", "hidden text", "invisible" })
        {
            Assert.DoesNotContain(dropped, text, StringComparison.Ordinal);
        }

        Assert.Equal("Version 2", document.Sections.Single(s => s.Text.StartsWith("Faster", StringComparison.Ordinal)).Section);
        Assert.Equal("Version 2 > Fixes", document.Sections.Single(s => s.Text == "Slow import").Section);
    }

    [Fact]
    public async Task Pdf_TextOfEachPage_CarriesItsPageNumber()
    {
        var path = _files.Write("report.pdf", TestDocuments.TwoPagePdf());

        var document = await Pipeline.RunAsync(path);

        Assert.Equal(DocumentMediaTypes.Pdf, document.MediaType);
        Assert.Equal("Quarterly report", document.Title);
        Assert.Collection(
            document.Sections,
            s => Assert.Equal((1, "Revenue grew in the first quarter."), (s.Page!.Value, s.Text)),
            s => Assert.Equal((2, "Costs fell in the second quarter."), (s.Page!.Value, s.Text)));
        Assert.Equal([1, 2], document.Chunks.Select(c => c.Page!.Value));
    }

    [Fact]
    public async Task Pdf_Corrupt_IsReportedNamingTheFile()
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\nthis is not a pdf body\n%%EOF");
        var path = _files.Write("broken.pdf", bytes);

        var error = await Assert.ThrowsAsync<PluginException>(() => Pipeline.RunAsync(path));

        Assert.Contains("broken.pdf", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.FilePath);
        Assert.Equal("document.corrupt", error.ErrorCode);
    }

    [Fact]
    public async Task Pdf_Truncated_IsReportedNamingTheFile()
    {
        var whole = TestDocuments.TwoPagePdf();
        var path = _files.Write("cut.pdf", whole[..(whole.Length / 3)]);

        var error = await Assert.ThrowsAsync<PluginException>(() => Pipeline.RunAsync(path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("cut.pdf", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdf_PasswordProtected_IsReportedAsSuch()
    {
        var path = _files.Write("secret.pdf", TestDocuments.PasswordProtectedPdf());

        var error = await Assert.ThrowsAsync<PluginException>(() => Pipeline.RunAsync(path));

        Assert.Contains("password-protected", error.Message, StringComparison.Ordinal);
        Assert.Contains("secret.pdf", error.Message, StringComparison.Ordinal);
        Assert.Equal("document.password-protected", error.ErrorCode);
    }

    [Fact]
    public async Task Pdf_WithoutText_IsReportedAsNeedingOcr()
    {
        var builder = new UglyToad.PdfPig.Writer.PdfDocumentBuilder();
        builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        var path = _files.Write("scan.pdf", builder.Build());

        var error = await Assert.ThrowsAsync<PluginException>(() => Pipeline.RunAsync(path));

        Assert.Equal("document.no-text", error.ErrorCode);
        Assert.Contains("OCR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docx_Encrypted_IsReportedAsPasswordProtected()
    {
        // Word stores an encrypted document as an OLE compound file, not as a ZIP package.
        byte[] bytes = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[504]];
        var path = _files.Write("locked.docx", bytes);

        var error = await Assert.ThrowsAsync<PluginException>(() => Pipeline.RunAsync(path));

        Assert.Contains("password-protected", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public async Task Docx_HeadingStylesBecomeSections_TablesBecomeText()
    {
        var path = _files.Write("handbook.docx", TestDocuments.Handbook());

        var document = await Pipeline.RunAsync(path);

        Assert.Equal(DocumentMediaTypes.Docx, document.MediaType);
        Assert.Equal("PluginAI handbook", document.Title);
        Assert.Equal(
            [
                (null, "Welcome to the handbook."),
                ("Installation", "Installation"),
                ("Installation", "Download the installer first."),
                ("Installation > Linux", "Linux"),
                ("Installation > Linux", "Run the script as root."),
                ("Installation > Linux", "Distribution | Package\nDebian | pluginai.deb"),
                ("Installation > Windows", "Windows"),
                ("Installation > Windows", "Run setup.exe\nand restart."),
                ("Usage", "Usage"),
                ("Usage", "Ask a question."),
            ],
            document.Sections.Select(s => (s.Section, s.Text)));
        Pipeline.ExtractedText(document);
    }

    [Fact]
    public async Task Docx_Truncated_IsReportedNamingTheFile()
    {
        var whole = TestDocuments.Handbook();
        var path = _files.Write("handbook.docx", whole[..(whole.Length / 2)]);

        var error = await Assert.ThrowsAsync<PluginException>(() => Pipeline.RunAsync(path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("handbook.docx", error.Message, StringComparison.Ordinal);
        Assert.Equal("document.corrupt", error.ErrorCode);
    }

    [Fact]
    public async Task Csv_RowsBecomeColumnValuePairs_WithQuotedFields()
    {
        var path = _files.Write("people.csv", "name,city,note\r\nAlice,\"Paris, France\",\"said \"\"hi\"\"\nand left\"\r\nBob,Berlin,\r\n\r\n");

        var document = await Pipeline.RunAsync(path);

        Assert.Equal(DocumentMediaTypes.Csv, document.MediaType);
        Assert.Equal(
            ["name: Alice; city: Paris, France; note: said \"hi\"\nand left", "name: Bob; city: Berlin"],
            document.Sections.Select(s => s.Text));
    }

    [Fact]
    public async Task Csv_SemicolonSeparated_IsRecognised()
    {
        var path = _files.Write("preise.csv", "Artikel;Preis\nBrot;2,50\n");

        var document = await Pipeline.RunAsync(path);

        Assert.Equal("Artikel: Brot; Preis: 2,50", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public async Task Json_IsFlattenedToKeyPaths_TopLevelContainersAreSections()
    {
        var path = _files.Write("config.json", """
            {
              "name": "pluginai",
              "server": { "port": 8080, "hosts": ["a", "b"], "tls": { "enabled": true } },
              "odd key.x": null,
              "empty": {}
            }
            """);

        var document = await Pipeline.RunAsync(path);

        Assert.Equal(DocumentMediaTypes.Json, document.MediaType);
        Assert.Equal(
            [
                (null, "name: pluginai"),
                ("server", "server.port: 8080\nserver.hosts[0]: a\nserver.hosts[1]: b\nserver.tls.enabled: true"),
                (null, "[\"odd key.x\"]: null"),
                ("empty", "empty: {}"),
            ],
            document.Sections.Select(s => (s.Section, s.Text)));
    }

    [Fact]
    public async Task Json_Invalid_DeclaredAsJson_IsReported()
    {
        var path = _files.Write("broken.json", "{\"a\": [1, 2}");

        var error = await Assert.ThrowsAsync<PluginException>(() => Pipeline.RunAsync(path, mediaType: DocumentMediaTypes.Json));

        Assert.Contains("is not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.FilePath);
    }

    [Theory]
    [InlineData(DocumentMediaTypes.PlainText)]
    [InlineData(DocumentMediaTypes.Markdown)]
    [InlineData(DocumentMediaTypes.Html)]
    [InlineData(DocumentMediaTypes.Pdf)]
    [InlineData(DocumentMediaTypes.Docx)]
    [InlineData(DocumentMediaTypes.Csv)]
    [InlineData(DocumentMediaTypes.Json)]
    public async Task Parsers_LeaveOtherMediaTypesUnchanged(string mediaType)
    {
        var document = new DocumentContent { SourcePath = "x", MediaType = "image/png", Content = new byte[] { 0x89, 0x50 } };
        var parsers = (await Pipeline.CreateAsync()).Where(p => p.Metadata.MediaTypes.Contains(mediaType)).ToList();
        Assert.Single(parsers);
        foreach (var parser in parsers)
        {
            Assert.Same(document, await parser.ProcessDocumentAsync(document));
        }
    }
}
