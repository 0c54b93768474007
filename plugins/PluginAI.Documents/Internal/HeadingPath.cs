namespace PluginAI.Documents.Internal;

/// <summary>The headings above the current position of a document, such as <c>Install &gt; Linux</c>.</summary>
internal sealed class HeadingPath
{
    public const string Separator = " > ";

    private readonly List<(int Level, string Text)> _headings = [];
    private string? _current;

    /// <summary>Gets the path, or <see langword="null"/> before the first heading.</summary>
    public string? Current => _current;

    /// <summary>Enters a heading: it replaces every heading at its level or deeper.</summary>
    public void Enter(int level, string text)
    {
        var trimmed = TextUtilities.CollapseWhiteSpace(text);
        if (trimmed.Length == 0)
        {
            return;
        }

        while (_headings.Count > 0 && _headings[^1].Level >= level)
        {
            _headings.RemoveAt(_headings.Count - 1);
        }

        _headings.Add((level, trimmed));
        _current = string.Join(Separator, _headings.Select(h => h.Text));
    }
}
