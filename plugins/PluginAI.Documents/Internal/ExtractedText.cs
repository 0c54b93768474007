using System.Text;
using PluginAI.Processing;

namespace PluginAI.Documents.Internal;

/// <summary>Rebuilds a document's extracted text from its sections, which is what chunk offsets point into.</summary>
internal static class ExtractedText
{
    /// <summary>
    /// Places every section's text at its <see cref="DocumentSection.StartOffset"/>, filling gaps with line feeds. When
    /// the offsets overlap or go backwards (a parser that did not set them), the sections are given new offsets as if
    /// joined with <see cref="SectionWriter.Separator"/>, and those sections are returned.
    /// </summary>
    public static (string Text, IReadOnlyList<DocumentSection> Sections) Build(IReadOnlyList<DocumentSection> sections)
    {
        var consistent = true;
        var end = 0;
        foreach (var section in sections)
        {
            if (section.StartOffset < end)
            {
                consistent = false;
                break;
            }

            end = section.StartOffset + section.Text.Length;
        }

        if (!consistent)
        {
            var renumbered = new List<DocumentSection>(sections.Count);
            var offset = 0;
            foreach (var section in sections)
            {
                renumbered.Add(section with { StartOffset = offset });
                offset += section.Text.Length + SectionWriter.Separator.Length;
            }

            sections = renumbered;
            end = offset - SectionWriter.Separator.Length;
        }

        var text = new StringBuilder(Math.Max(end, 0));
        foreach (var section in sections)
        {
            text.Append('\n', section.StartOffset - text.Length).Append(section.Text);
        }

        return (text.ToString(), sections);
    }
}
