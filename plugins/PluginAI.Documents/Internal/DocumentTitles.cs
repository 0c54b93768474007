namespace PluginAI.Documents.Internal;

/// <summary>Titles taken from a document's text when its format carries none.</summary>
internal static class DocumentTitles
{
    /// <summary>The longest title taken from a line of text; a longer line is a paragraph, not a title.</summary>
    public const int MaxLength = 150;

    /// <summary>The first line of the first section with text, when it is short enough to be a title.</summary>
    public static string? FirstLine(IReadOnlyList<Processing.DocumentSection> sections)
    {
        foreach (var section in sections)
        {
            foreach (var line in section.Text.AsSpan().EnumerateLines())
            {
                var trimmed = line.Trim();
                if (trimmed.Length > 0)
                {
                    return trimmed.Length <= MaxLength ? TextUtilities.CollapseWhiteSpace(trimmed.ToString()) : null;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The NAME line of a reference (manual) page: the first non-empty line after a line that reads <c>NAME</c>
    /// within the first lines of the text, such as <c>ls - list directory contents</c>.
    /// </summary>
    public static string? ReferencePageName(string text)
    {
        var lines = 0;
        var afterName = false;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            if (afterName)
            {
                return trimmed.Length <= MaxLength ? TextUtilities.CollapseWhiteSpace(trimmed.ToString()) : null;
            }

            if (++lines > 5)
            {
                return null;
            }

            afterName = trimmed.SequenceEqual("NAME");
        }

        return null;
    }
}
