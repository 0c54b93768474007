namespace PluginAI;

/// <summary>
/// The error a plugin throws for a failure its caller can act on: a bad model file, an unsupported input,
/// a request beyond a limit. The message says what was wrong and, where it can, how to fix it.
/// </summary>
public class PluginException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PluginException"/> class.</summary>
    public PluginException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginException"/> class.</summary>
    /// <param name="message">What went wrong, in words a user understands.</param>
    public PluginException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginException"/> class.</summary>
    /// <param name="message">What went wrong, in words a user understands.</param>
    /// <param name="innerException">The underlying error.</param>
    public PluginException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets or initializes the file the error is about, when there is one.</summary>
    public string? FilePath { get; init; }

    /// <summary>Gets or initializes a short machine-readable code for the error, such as <c>model.not-gguf</c>.</summary>
    public string? ErrorCode { get; init; }
}
