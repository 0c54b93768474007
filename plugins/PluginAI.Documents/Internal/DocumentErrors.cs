namespace PluginAI.Documents.Internal;

/// <summary>The exceptions the document preprocessors throw, so that codes and wording stay consistent.</summary>
internal static class DocumentErrors
{
    public const string BinaryCode = "document.binary";
    public const string CorruptCode = "document.corrupt";
    public const string PasswordProtectedCode = "document.password-protected";
    public const string NoTextCode = "document.no-text";

    public static PluginException Binary(string path, string? detail = null) =>
        new($"'{path}' is a binary file, not text{(detail is null ? string.Empty : $" ({detail})")}; only text, Markdown, HTML, PDF, DOCX, CSV and JSON files can be added.")
        {
            FilePath = path,
            ErrorCode = BinaryCode,
        };

    public static PluginException Corrupt(string path, string format, Exception? inner = null) =>
        new($"'{path}' could not be read as {format}: the file is corrupt or truncated{(inner is null ? string.Empty : $" ({inner.Message})")}. Open and save it again, or remove it.", inner)
        {
            FilePath = path,
            ErrorCode = CorruptCode,
        };

    public static PluginException PasswordProtected(string path, string format, Exception? inner = null) =>
        new($"'{path}' is a password-protected {format} and cannot be read; remove the password and add the file again.", inner)
        {
            FilePath = path,
            ErrorCode = PasswordProtectedCode,
        };

    public static PluginException NoText(string path, string reason) =>
        new($"'{path}' has no text to index: {reason}.")
        {
            FilePath = path,
            ErrorCode = NoTextCode,
        };
}
