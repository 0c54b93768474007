using Microsoft.Extensions.DependencyInjection;
using PluginAI.Hardware;
using PluginAI.Manifest;
using PluginAI.Processing;

namespace PluginAI.Documents.Tests;

/// <summary>Runs a file through the plugin's preprocessors the way the host does: registered through the plugin, in order.</summary>
internal static class Pipeline
{
    /// <summary>The token counters the host would offer the plugin, by model id.</summary>
    public static TestTokenCounters TokenCounters { get; } = new();

    public static string ManifestPath => Path.Combine(AppContext.BaseDirectory, "pluginai.json");

    public static async Task<IReadOnlyList<IPreprocessor>> CreateAsync(DocumentChunkerOptions? options = null)
    {
        var manifest = (await ManifestReader.ReadFileAsync(ManifestPath)).GetManifestOrThrow();
        var hardware = new HardwareProfile
        {
            OperatingSystem = "linux",
            Architecture = "x64",
            RuntimeIdentifier = "linux-x64",
            Cpu = new CpuInfo { PhysicalCores = 2, LogicalCores = 2 },
            Memory = new MemoryInfo { TotalBytes = 8L << 30, AvailableBytes = 4L << 30 },
        };
        var services = new ServiceCollection();
        services.AddSingleton<ITokenCounterProvider>(TokenCounters);
        new DocumentsPlugin(options ?? new DocumentChunkerOptions())
            .ConfigureServices(services, new PluginContext(manifest, AppContext.BaseDirectory, Path.GetTempPath(), hardware));
        var provider = services.BuildServiceProvider();
        return [.. provider.GetServices<IPreprocessor>().OrderBy(p => p.Metadata.Order)];
    }

    public static async Task<DocumentContent> RunAsync(string path, ITokenCounter? counter = null, DocumentChunkerOptions? options = null, string mediaType = DocumentMediaTypes.Unknown) =>
        await RunAsync(await CreateAsync(options), path, counter, mediaType);

    public static async Task<DocumentContent> RunAsync(IReadOnlyList<IPreprocessor> preprocessors, string path, ITokenCounter? counter = null, string mediaType = DocumentMediaTypes.Unknown)
    {
        var document = new DocumentContent
        {
            SourcePath = path,
            MediaType = mediaType,
            Content = await File.ReadAllBytesAsync(path),
            EmbeddingModelId = counter is null ? null : TokenCounters.Add(counter),
        };
        foreach (var preprocessor in preprocessors)
        {
            document = await preprocessor.ProcessDocumentAsync(document);
        }

        return document;
    }

    /// <summary>The document's extracted text, checking on the way that every section sits at its offset in it.</summary>
    public static string ExtractedText(DocumentContent document)
    {
        var text = string.Join("\n\n", document.Sections.Select(s => s.Text));
        foreach (var section in document.Sections)
        {
            Assert.Equal(section.Text, text.Substring(section.StartOffset, section.Text.Length));
        }

        return text;
    }
}
