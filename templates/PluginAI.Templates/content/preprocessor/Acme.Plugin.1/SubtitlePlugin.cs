using Microsoft.Extensions.DependencyInjection;
using PluginAI;
using PluginAI.Processing;

namespace Acme.Plugin._1;

/// <summary>The plugin's entry point, named by <c>PluginAIEntryType</c>: registers the preprocessor with the host.</summary>
public sealed class SubtitlePlugin : IPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddSingleton<IPreprocessor, SubtitlePreprocessor>();
}
