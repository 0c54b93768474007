using Microsoft.Extensions.DependencyInjection;
using PluginAI;
using PluginAI.Processing;

namespace Acme.Plugin._1;

/// <summary>The plugin's entry point, named by <c>PluginAIEntryType</c>: registers the postprocessor with the host.</summary>
public sealed class UpperCasePlugin : IPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddSingleton<IPostprocessor, UpperCasePostprocessor>();
}
