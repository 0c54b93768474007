using Microsoft.Extensions.Logging;
using PluginAI.Processing;

namespace PluginAI.Documents.Internal;

/// <summary>Turns the bytes of a text document into a string with <c>\n</c> line endings.</summary>
internal static partial class TextDecoder
{
    /// <summary>Decodes a document's content, or throws <see cref="PluginException"/> when it is binary.</summary>
    public static string Decode(DocumentContent document, ILogger logger)
    {
        var bytes = document.Content.Span;
        var sniff = TextSniffer.Sniff(bytes);
        if (sniff.IsBinary)
        {
            throw DocumentErrors.Binary(document.SourcePath, sniff.BinaryReason);
        }

        if (sniff.FellBackToLegacyEncoding)
        {
            LogLegacyEncoding(logger, document.SourcePath);
        }
        else if (sniff.Lossy)
        {
            LogLossyUtf8(logger, document.SourcePath);
        }

        return sniff.Encoding!.GetString(bytes[sniff.PreambleLength..]).ReplaceLineEndings("\n");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "'{Path}' is not valid UTF-8; it was read as Windows-1252.")]
    private static partial void LogLegacyEncoding(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "'{Path}' has a few bytes that are not valid UTF-8; they were replaced with U+FFFD.")]
    private static partial void LogLossyUtf8(ILogger logger, string path);
}
