using PluginAI.Processing;

namespace PluginAI.Documents.Internal;

/// <summary>Replaces <see cref="DocumentMediaTypes.Unknown"/> with the type <see cref="MediaTypeDetector"/> finds, and rejects binary files.</summary>
internal sealed class MediaTypeDetectionPreprocessor : Preprocessor
{
    public override PreprocessorMetadata Metadata { get; } = new("media-type-detector")
    {
        Order = 50,
        MediaTypes = [DocumentMediaTypes.Unknown],
    };

    public override Task<DocumentContent> ProcessDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (!string.IsNullOrWhiteSpace(document.MediaType) && !DocumentMediaTypes.Matches(document.MediaType, DocumentMediaTypes.Unknown))
        {
            return Task.FromResult(document);
        }

        var (mediaType, binaryReason) = MediaTypeDetector.Classify(document.Content.Span, document.SourcePath);
        return mediaType is null
            ? throw DocumentErrors.Binary(document.SourcePath, binaryReason)
            : Task.FromResult(document with { MediaType = mediaType });
    }
}
