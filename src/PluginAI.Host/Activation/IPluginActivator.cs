namespace PluginAI.Host.Activation;

/// <summary>
/// Loads an admitted plugin and hands the host its contract implementations: in this process (its own assembly load
/// context), or elsewhere (a worker process) behind proxies. The host chooses the first activator that accepts a plugin.
/// </summary>
/// <remarks>
/// The host wraps what an activator returns so that plugin failures are contained; an activator only loads. Called once
/// per plugin load, possibly concurrently for different plugins.
/// </remarks>
public interface IPluginActivator
{
    /// <summary>Gets a short name for reports, such as <c>in-process</c>.</summary>
    string Name { get; }

    /// <summary>Says whether this activator runs the plugin (by its manifest's isolation, for example).</summary>
    /// <param name="request">The admitted plugin.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    bool CanActivate(PluginActivationRequest request);

    /// <summary>Loads the plugin.</summary>
    /// <param name="request">The admitted plugin.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The plugin's contract implementations; disposing it unloads the plugin.</returns>
    /// <exception cref="PluginActivationException">The plugin cannot be loaded; the message says why, naming the file and field.</exception>
    Task<ActivatedPlugin> ActivateAsync(PluginActivationRequest request, CancellationToken cancellationToken = default);
}
