using PluginAI.Processing;

namespace PluginAI.Documents.Internal;

/// <summary>Collects a parser's sections and gives each its offset in the document's extracted text.</summary>
/// <remarks>
/// The extracted text of a document is its sections' texts joined with <see cref="Separator"/>, so that a section
/// boundary is also a paragraph boundary for the chunker. Texts are trimmed and empty ones dropped.
/// </remarks>
internal sealed class SectionWriter
{
    public const string Separator = "\n\n";

    private readonly List<DocumentSection> _sections = [];
    private int _offset;

    public int Count => _sections.Count;

    public void Add(string text, string? section = null, int? page = null)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return;
        }

        var value = trimmed.Length == text.Length ? text : trimmed.ToString();
        _sections.Add(new DocumentSection { Text = value, Section = section, Page = page, StartOffset = _offset });
        _offset += value.Length + Separator.Length;
    }

    public IReadOnlyList<DocumentSection> ToSections() => _sections;
}
