namespace PluginAI.Gguf;

/// <summary>The error thrown for a file that is missing, unreadable or not a valid GGUF file.</summary>
/// <remarks>
/// The message names the file and the problem; <see cref="PluginException.FilePath"/> holds the file and
/// <see cref="PluginException.ErrorCode"/> one of the <see cref="GgufErrorCodes"/>.
/// </remarks>
public sealed class GgufFormatException : PluginException
{
    /// <summary>Initializes a new instance of the <see cref="GgufFormatException"/> class.</summary>
    public GgufFormatException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="GgufFormatException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public GgufFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="GgufFormatException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying error.</param>
    public GgufFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets or initializes the byte offset in the file where the problem was found, when it is known.</summary>
    public long? Offset { get; init; }

    internal static GgufFormatException Create(string filePath, string errorCode, string problem, long? offset = null, Exception? innerException = null) =>
        new($"'{filePath}' cannot be read as a GGUF model: {problem}", innerException)
        {
            FilePath = filePath,
            ErrorCode = errorCode,
            Offset = offset,
        };
}
