using Microsoft.Extensions.DependencyInjection;

namespace PluginAI;

/// <summary>
/// The entry point of a plugin: the type named by <c>entry.type</c> in <c>pluginai.json</c>.
/// </summary>
/// <remarks>
/// The host creates one instance per load with a public parameterless constructor and calls
/// <see cref="ConfigureServices"/> once, on one thread, before any other member of the plugin is used.
/// The plugin registers its implementations of <see cref="Backends.IInferenceBackend"/>,
/// <see cref="Processing.IPreprocessor"/>, <see cref="Processing.IPostprocessor"/> or
/// <see cref="Retrieval.IRetriever"/> in the collection. Each plugin gets a service collection of its own,
/// so registrations never leak between plugins; host services (logging, the hardware profile, the
/// <see cref="PluginContext"/>) are already present in it.
/// </remarks>
public interface IPlugin
{
    /// <summary>Registers the plugin's services.</summary>
    /// <param name="services">The plugin's own service collection.</param>
    /// <param name="context">What the host knows about this plugin and this machine.</param>
    void ConfigureServices(IServiceCollection services, PluginContext context);
}
