using PluginAI.Processing;

namespace Acme.Plugin._1;

/// <summary>
/// Parses SubRip (<c>.srt</c>) subtitle files: one section per cue, headed by the time it starts, so that an answer can
/// cite the moment of a video where something was said. Other documents pass through unchanged.
/// </summary>
public sealed class SubtitlePreprocessor : Preprocessor
{
    /// <summary>The media type of SubRip subtitles.</summary>
    public const string MediaType = "application/x-subrip";

    /// <inheritdoc />
    public override PreprocessorMetadata Metadata { get; } = new("srt-subtitles")
    {
        MediaTypes = [MediaType],
        Extensions = [".srt"],
        Order = 100,
    };

    /// <inheritdoc />
    public override Task<DocumentContent> ProcessDocumentAsync(DocumentContent document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var isSubtitle = string.Equals(document.MediaType, MediaType, StringComparison.OrdinalIgnoreCase)
            || string.Equals(Path.GetExtension(document.SourcePath), ".srt", StringComparison.OrdinalIgnoreCase);
        if (!isSubtitle || document.Sections.Count > 0)
        {
            return Task.FromResult(document);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var sections = SubtitleParser.Parse(document.Content.Span, document.SourcePath, cancellationToken);
        return Task.FromResult(document with
        {
            MediaType = MediaType,
            Title = document.Title ?? Path.GetFileNameWithoutExtension(document.SourcePath),
            Sections = sections,
        });
    }
}
