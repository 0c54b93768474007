using PluginAI.Processing;

namespace PluginAI.Documents.Internal;

/// <summary>The shared shape of the parsers: pick documents by media type, parse, and report failures as <see cref="PluginException"/>.</summary>
internal abstract class DocumentParser : Preprocessor
{
    /// <summary>Gets the format's name as users know it, for error messages.</summary>
    protected abstract string FormatName { get; }

    public override Task<DocumentContent> ProcessDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (!Metadata.MediaTypes.Any(type => DocumentMediaTypes.Matches(document.MediaType, type)))
        {
            return Task.FromResult(document);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (document.Content.IsEmpty)
        {
            return Task.FromResult(document with { Sections = [] });
        }

        try
        {
            return Task.FromResult(Parse(document, cancellationToken));
        }
        catch (Exception ex) when (ex is not PluginException and not OperationCanceledException)
        {
            // Parsing libraries throw many exception types for damaged input; the host needs one it can act on.
            throw DocumentErrors.Corrupt(document.SourcePath, FormatName, ex);
        }
    }

    /// <summary>Parses a non-empty document of one of <see cref="PreprocessorMetadata.MediaTypes"/>.</summary>
    protected abstract DocumentContent Parse(DocumentContent document, CancellationToken cancellationToken);
}
