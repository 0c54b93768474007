using Microsoft.Extensions.DependencyInjection;
using PluginAI;
using PluginAI.Retrieval;

namespace Acme.Plugin._1;

/// <summary>The plugin's entry point, named by <c>PluginAIEntryType</c>: registers the retriever with the host.</summary>
public sealed class InMemoryPlugin : IPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddSingleton<IRetriever, InMemoryRetriever>();
}
