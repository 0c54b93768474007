namespace PluginAI.Server;

/// <summary>The server cannot start as configured: the message says which setting and what is expected.</summary>
public sealed class PluginAIServerException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PluginAIServerException"/> class.</summary>
    public PluginAIServerException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginAIServerException"/> class.</summary>
    /// <param name="message">What is wrong and what is expected.</param>
    public PluginAIServerException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginAIServerException"/> class.</summary>
    /// <param name="message">What is wrong and what is expected.</param>
    /// <param name="innerException">The cause.</param>
    public PluginAIServerException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
