using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Documents.Internal;
using PluginAI.Processing;

namespace PluginAI.Documents;

/// <summary>
/// The entry point of the document plugin: registers a media-type detector (order 50), one parser per format
/// (order 100) and a chunker (order 200) as <see cref="IPreprocessor"/> singletons.
/// </summary>
/// <remarks>
/// A host that does not know a file's type passes <see cref="DocumentMediaTypes.Unknown"/>; the detector then sets the
/// type from the content and the file name, or throws <see cref="PluginException"/> for a binary file. Every
/// preprocessor is stateless and safe to call from several threads at once.
/// </remarks>
public sealed class DocumentsPlugin : IPlugin
{
    private readonly DocumentChunkerOptions _chunkerOptions;

    /// <summary>Initializes a new instance of the <see cref="DocumentsPlugin"/> class with the default chunk sizes.</summary>
    public DocumentsPlugin()
        : this(new DocumentChunkerOptions())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DocumentsPlugin"/> class.</summary>
    /// <param name="chunkerOptions">How large the chunks are.</param>
    /// <exception cref="ArgumentOutOfRangeException">The options are out of range.</exception>
    public DocumentsPlugin(DocumentChunkerOptions chunkerOptions)
    {
        ArgumentNullException.ThrowIfNull(chunkerOptions);
        chunkerOptions.Validate();
        _chunkerOptions = chunkerOptions;
    }

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(context);
        services.AddSingleton<IPreprocessor, MediaTypeDetectionPreprocessor>();
        services.AddSingleton<IPreprocessor>(provider => new PlainTextParser(Logger<PlainTextParser>(provider)));
        services.AddSingleton<IPreprocessor>(provider => new MarkdownParser(Logger<MarkdownParser>(provider)));
        services.AddSingleton<IPreprocessor>(provider => new HtmlDocumentParser(Logger<HtmlDocumentParser>(provider)));
        services.AddSingleton<IPreprocessor, PdfParser>();
        services.AddSingleton<IPreprocessor, DocxParser>();
        services.AddSingleton<IPreprocessor>(provider => new CsvParser(Logger<CsvParser>(provider)));
        services.AddSingleton<IPreprocessor>(provider => new JsonParser(Logger<JsonParser>(provider)));
        services.AddSingleton<IPreprocessor>(provider => new DocumentChunker(_chunkerOptions, provider.GetService<ITokenCounterProvider>()));
    }

    private static ILogger Logger<T>(IServiceProvider provider) =>
        (provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger(typeof(T).FullName!);
}
