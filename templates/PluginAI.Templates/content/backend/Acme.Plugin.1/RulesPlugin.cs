using Microsoft.Extensions.DependencyInjection;
using PluginAI;
using PluginAI.Backends;

namespace Acme.Plugin._1;

/// <summary>The plugin's entry point, named by <c>PluginAIEntryType</c>: registers the backend with the host.</summary>
public sealed class RulesPlugin : IPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddSingleton<IInferenceBackend, RulesBackend>();
}
