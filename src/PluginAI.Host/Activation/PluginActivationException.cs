namespace PluginAI.Host.Activation;

/// <summary>An activator could not load a plugin; the message says why, naming the file and field.</summary>
public sealed class PluginActivationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PluginActivationException"/> class.</summary>
    public PluginActivationException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginActivationException"/> class.</summary>
    /// <param name="message">Why the plugin cannot be loaded.</param>
    public PluginActivationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginActivationException"/> class.</summary>
    /// <param name="message">Why the plugin cannot be loaded.</param>
    /// <param name="innerException">The cause.</param>
    public PluginActivationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
