namespace PluginAI.Documents;

/// <summary>The media types the document preprocessors read and write in <see cref="Processing.DocumentContent.MediaType"/>.</summary>
public static class DocumentMediaTypes
{
    /// <summary>The media type a host passes when it does not know what a file is; the detector replaces it.</summary>
    public const string Unknown = "application/octet-stream";

    /// <summary>Plain text: <c>.txt</c>, <c>.log</c> and any other text without a more specific type.</summary>
    public const string PlainText = "text/plain";

    /// <summary>Markdown (CommonMark with the common extensions).</summary>
    public const string Markdown = "text/markdown";

    /// <summary>HTML.</summary>
    public const string Html = "text/html";

    /// <summary>PDF.</summary>
    public const string Pdf = "application/pdf";

    /// <summary>Word documents in the Office Open XML format (<c>.docx</c>).</summary>
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    /// <summary>Comma-separated values; semicolon and tab separators are recognised as well.</summary>
    public const string Csv = "text/csv";

    /// <summary>Tab-separated values.</summary>
    public const string Tsv = "text/tab-separated-values";

    /// <summary>JSON.</summary>
    public const string Json = "application/json";

    /// <summary>Determines whether a media type, possibly with parameters such as <c>; charset=utf-8</c>, is <paramref name="expected"/>.</summary>
    /// <param name="mediaType">The media type to test.</param>
    /// <param name="expected">The media type without parameters.</param>
    /// <returns><see langword="true"/> when the types match, ignoring case and parameters.</returns>
    public static bool Matches(string? mediaType, string expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (mediaType is null)
        {
            return false;
        }

        var span = mediaType.AsSpan();
        var semicolon = span.IndexOf(';');
        if (semicolon >= 0)
        {
            span = span[..semicolon];
        }

        return span.Trim().Equals(expected, StringComparison.OrdinalIgnoreCase);
    }
}
