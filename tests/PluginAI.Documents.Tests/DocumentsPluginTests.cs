using PluginAI.Manifest;

namespace PluginAI.Documents.Tests;

public sealed class DocumentsPluginTests
{
    [Fact]
    public async Task Manifest_IsValid_AndNamesThePluginEntryType()
    {
        var manifest = (await ManifestReader.ReadFileAsync(Pipeline.ManifestPath)).GetManifestOrThrow();

        Assert.Equal("PluginAI.Documents", manifest.Id);
        Assert.Equal([PluginKind.Preprocessor], manifest.Kinds);
        Assert.Equal(typeof(DocumentsPlugin).FullName, manifest.Entry.Type);
        Assert.Equal("PluginAI.Documents.dll", manifest.Entry.Assembly);
    }

    [Fact]
    public async Task ConfigureServices_RegistersDetectorParsersAndChunker_InChainOrder()
    {
        var preprocessors = await Pipeline.CreateAsync();

        Assert.Equal(
            [
                ("media-type-detector", 50), ("plain-text", 100), ("markdown", 100), ("html", 100), ("pdf", 100),
                ("docx", 100), ("csv", 100), ("json", 100), ("chunker", 200),
            ],
            preprocessors.Select(p => (p.Metadata.Name, p.Metadata.Order)));
        Assert.Equal(
            [
                DocumentMediaTypes.PlainText, DocumentMediaTypes.Markdown, DocumentMediaTypes.Html, DocumentMediaTypes.Pdf,
                DocumentMediaTypes.Docx, DocumentMediaTypes.Csv, DocumentMediaTypes.Json,
            ],
            preprocessors.Where(p => p.Metadata.Order == 100).Select(p => p.Metadata.MediaTypes[0]));
    }

    [Fact]
    public async Task Preprocessors_PassPromptsThroughUnchanged()
    {
        var prompt = new Processing.PromptContext { Question = "What is PluginAI?" };
        foreach (var preprocessor in await Pipeline.CreateAsync())
        {
            Assert.Same(prompt, await preprocessor.ProcessPromptAsync(prompt));
            Assert.False(preprocessor.Metadata.HandlesPrompts);
        }
    }

    [Fact]
    public async Task OnePipeline_ParsesManyDocumentsAtOnce_Independently()
    {
        using var files = new TempDirectory();
        var pipeline = await Pipeline.CreateAsync();
        var paths = Enumerable.Range(0, 40).Select(i => files.Write($"doc{i}.md", $"# Doc {i}\n\n{string.Join(' ', Enumerable.Repeat($"word{i}", 500))}")).ToList();

        var documents = await Task.WhenAll(paths.Select(p => Task.Run(() => Pipeline.RunAsync(pipeline, p, new WhitespaceTokenCounter()))));

        for (var i = 0; i < documents.Length; i++)
        {
            Assert.All(documents[i].Chunks, c => Assert.Equal($"Doc {i}", c.Section));
            Assert.DoesNotContain(documents[i].Chunks, c => c.Text.Contains($"word{(i + 1) % 40} ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task CancelledToken_StopsParsing_WithoutAPluginException()
    {
        var document = new Processing.DocumentContent
        {
            SourcePath = "report.pdf",
            MediaType = DocumentMediaTypes.Pdf,
            Content = TestDocuments.TwoPagePdf(),
        };
        var pdf = (await Pipeline.CreateAsync()).Single(p => p.Metadata.Name == "pdf");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pdf.ProcessDocumentAsync(document, new CancellationToken(canceled: true)));
    }
}
