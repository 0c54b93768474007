using Microsoft.Extensions.DependencyInjection;
using PluginAI.Processing;

namespace PluginAI.Citations;

/// <summary>The plugin entry point: registers the citation check.</summary>
public sealed class CitationsPlugin : IPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddSingleton<IPostprocessor, CitationPostprocessor>();
}
