using System.Text.Json;
using PluginAI.Documents.Internal;

namespace PluginAI.Documents;

/// <summary>Detects the media type of a file from its content first and its name second.</summary>
/// <remarks>
/// <para>
/// Content wins over the extension where the content is unambiguous: a file that starts with <c>%PDF-</c> is a PDF
/// whatever its name, and a binary file named <c>.txt</c> is binary. Rules, in order:
/// </para>
/// <list type="number">
/// <item>An empty file gets the type of its extension, or <c>text/plain</c>.</item>
/// <item><c>%PDF-</c> in the first 1024 bytes: PDF.</item>
/// <item>A ZIP archive with a <c>word/document.xml</c> entry, or named <c>.docx</c>: DOCX. An OLE compound file named <c>.docx</c> (how Word stores a password-protected document): DOCX, so that the parser can say why it cannot read it. Any other archive: binary.</item>
/// <item>Binary content (NUL or control bytes, or mostly invalid UTF-8): <see langword="null"/>.</item>
/// <item>Text: the extension's type (<c>.md</c>, <c>.html</c>, <c>.csv</c>, <c>.tsv</c>, <c>.txt</c> and so on); <c>.json</c> only when the content parses as JSON, else plain text.</item>
/// <item>Text with another or no extension: HTML when it starts with markup and names <c>html</c>, <c>head</c> or <c>body</c> early on; JSON when it is an object or array that parses; else plain text.</item>
/// </list>
/// <para>Thread-safe; reads at most the first 64 KiB for the binary checks, all of a JSON candidate to parse it.</para>
/// </remarks>
public static class MediaTypeDetector
{
    private const int MagicWindow = 1024;

    private static readonly Dictionary<string, string> s_textExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        [".md"] = DocumentMediaTypes.Markdown,
        [".markdown"] = DocumentMediaTypes.Markdown,
        [".mdown"] = DocumentMediaTypes.Markdown,
        [".mkd"] = DocumentMediaTypes.Markdown,
        [".html"] = DocumentMediaTypes.Html,
        [".htm"] = DocumentMediaTypes.Html,
        [".xhtml"] = DocumentMediaTypes.Html,
        [".csv"] = DocumentMediaTypes.Csv,
        [".tsv"] = DocumentMediaTypes.Tsv,
        [".tab"] = DocumentMediaTypes.Tsv,
        [".json"] = DocumentMediaTypes.Json,
        [".txt"] = DocumentMediaTypes.PlainText,
        [".text"] = DocumentMediaTypes.PlainText,
        [".log"] = DocumentMediaTypes.PlainText,
    };

    /// <summary>Detects the media type of a file.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="fileName">The file's name or path, for its extension; may be <see langword="null"/>.</param>
    /// <returns>One of the <see cref="DocumentMediaTypes"/> values, or <see langword="null"/> for a binary file or a format no parser reads.</returns>
    public static string? Detect(ReadOnlySpan<byte> content, string? fileName) => Classify(content, fileName).MediaType;

    internal static (string? MediaType, string? BinaryReason) Classify(ReadOnlySpan<byte> content, string? fileName)
    {
        var extension = Path.GetExtension(fileName ?? string.Empty);
        var isDocxName = extension.Equals(".docx", StringComparison.OrdinalIgnoreCase);
        if (content.IsEmpty)
        {
            return (isDocxName ? DocumentMediaTypes.Docx : s_textExtensions.GetValueOrDefault(extension, DocumentMediaTypes.PlainText), null);
        }

        var head = content[..Math.Min(content.Length, MagicWindow)];
        if (head.IndexOf("%PDF-"u8) >= 0)
        {
            return (DocumentMediaTypes.Pdf, null);
        }

        if (content.StartsWith("PK\x03\x04"u8))
        {
            // The entry name is stored uncompressed in the local and central headers, so a byte search finds it
            // without opening the archive (which a truncated file would not allow).
            return content.IndexOf("word/document.xml"u8) >= 0 || isDocxName
                ? (DocumentMediaTypes.Docx, null)
                : (null, "it is a ZIP archive that is not a Word document");
        }

        if (isDocxName && content.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
        {
            return (DocumentMediaTypes.Docx, null);
        }

        var sniff = TextSniffer.Sniff(content);
        if (sniff.IsBinary)
        {
            return (null, sniff.BinaryReason);
        }

        if (s_textExtensions.TryGetValue(extension, out var byExtension))
        {
            return byExtension == DocumentMediaTypes.Json && !IsJson(content, sniff)
                ? (DocumentMediaTypes.PlainText, null)
                : (byExtension, null);
        }

        if (LooksLikeHtml(content, sniff))
        {
            return (DocumentMediaTypes.Html, null);
        }

        return (StartsWithJsonContainer(content, sniff) && IsJson(content, sniff) ? DocumentMediaTypes.Json : DocumentMediaTypes.PlainText, null);
    }

    private static bool LooksLikeHtml(ReadOnlySpan<byte> content, TextSniff sniff)
    {
        var head = DecodeHead(content, sniff);
        var trimmed = head.AsSpan().TrimStart();
        if (trimmed.IsEmpty || trimmed[0] != '<')
        {
            return false;
        }

        return trimmed.Contains("<!doctype html", StringComparison.OrdinalIgnoreCase)
            || trimmed.Contains("<html", StringComparison.OrdinalIgnoreCase)
            || trimmed.Contains("<head", StringComparison.OrdinalIgnoreCase)
            || trimmed.Contains("<body", StringComparison.OrdinalIgnoreCase);
    }

    private static bool StartsWithJsonContainer(ReadOnlySpan<byte> content, TextSniff sniff)
    {
        var head = DecodeHead(content, sniff).AsSpan().TrimStart();
        return !head.IsEmpty && head[0] is '{' or '[';
    }

    /// <summary>Parses without building a document; JSON is UTF-8 (RFC 8259), so other encodings are not JSON here.</summary>
    private static bool IsJson(ReadOnlySpan<byte> content, TextSniff sniff)
    {
        if (sniff.Encoding is not System.Text.UTF8Encoding || sniff.Lossy)
        {
            return false;
        }

        var reader = new Utf8JsonReader(content[sniff.PreambleLength..], new JsonReaderOptions
        {
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
            MaxDepth = JsonParser.MaxDepth,
        });
        try
        {
            while (reader.Read())
            {
            }

            return reader.BytesConsumed > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string DecodeHead(ReadOnlySpan<byte> content, TextSniff sniff)
    {
        var body = content[sniff.PreambleLength..];
        var length = Math.Min(body.Length, MagicWindow);
        // Keep whole UTF-16/32 code units so the decoder does not see a dangling half at the end of the window.
        length -= length % 4;
        return sniff.Encoding!.GetString(body[..(length == 0 ? body.Length : length)]);
    }
}
