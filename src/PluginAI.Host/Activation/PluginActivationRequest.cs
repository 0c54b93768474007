using Microsoft.Extensions.Logging;
using PluginAI.Manifest;
using PluginAI.Processing;

namespace PluginAI.Host.Activation;

/// <summary>An admitted plugin, ready to be loaded: its manifest, the build chosen for this machine, and its context.</summary>
/// <param name="Record">The host's record of the plugin.</param>
/// <param name="ManifestPath">The manifest file, for error messages.</param>
/// <param name="Entry">The entry point of the chosen build.</param>
/// <param name="EntryFolder">The folder of the chosen build's files.</param>
/// <param name="Context">What the plugin is told about itself and this machine.</param>
/// <param name="LoggerFactory">Where the plugin logs.</param>
/// <param name="TokenCounters">The token counters of the loaded models, offered to the plugin as <see cref="ITokenCounterProvider"/>.</param>
public sealed record PluginActivationRequest(PluginRecord Record, string ManifestPath, PluginEntryPoint Entry, string EntryFolder, PluginContext Context, ILoggerFactory LoggerFactory, ITokenCounterProvider TokenCounters)
{
    /// <summary>Gets the plugin's manifest.</summary>
    public PluginManifest Manifest => Context.Manifest;

    /// <summary>
    /// Gets where the plugin runs, as the host decided it: the user's choice for this plugin, else the manifest's
    /// <c>isolation</c> when it states one, else a worker process for a plugin that ships native libraries.
    /// </summary>
    public PluginIsolation Isolation { get; init; } = Context.Manifest.Isolation;
}
