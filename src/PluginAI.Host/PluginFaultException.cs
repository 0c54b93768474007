namespace PluginAI.Host;

/// <summary>A plugin failed unexpectedly during a call; the host contained the failure.</summary>
/// <remarks>
/// Expected errors (<see cref="PluginException"/> and cancellation) pass through unchanged. Anything else a plugin throws
/// is wrapped in this exception, logged, and counted on the plugin's <see cref="PluginRecord"/>; other plugins are unaffected.
/// </remarks>
public sealed class PluginFaultException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PluginFaultException"/> class.</summary>
    public PluginFaultException()
        : this("unknown", "unknown", null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PluginFaultException"/> class.</summary>
    /// <param name="message">The message.</param>
    public PluginFaultException(string message)
        : base(message)
    {
        PluginId = "unknown";
        Operation = "unknown";
    }

    /// <summary>Initializes a new instance of the <see cref="PluginFaultException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">What the plugin threw.</param>
    public PluginFaultException(string message, Exception? innerException)
        : base(message, innerException)
    {
        PluginId = "unknown";
        Operation = "unknown";
    }

    /// <summary>Initializes a new instance of the <see cref="PluginFaultException"/> class.</summary>
    /// <param name="pluginId">The plugin that failed.</param>
    /// <param name="operation">The call that failed, such as <c>IPostprocessor.ProcessAsync</c>.</param>
    /// <param name="innerException">What the plugin threw.</param>
    public PluginFaultException(string pluginId, string operation, Exception? innerException)
        : base($"Plugin '{pluginId}' failed in {operation}: {innerException?.GetType().Name}: {innerException?.Message}", innerException)
    {
        PluginId = pluginId;
        Operation = operation;
    }

    /// <summary>Gets the id of the plugin that failed.</summary>
    public string PluginId { get; }

    /// <summary>Gets the call that failed.</summary>
    public string Operation { get; }
}
