using Microsoft.Extensions.DependencyInjection;
using PluginAI.Processing;

namespace PluginAI.Prompting;

/// <summary>The plugin entry point: registers the prompt template preprocessor.</summary>
public sealed class PromptingPlugin : IPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddSingleton<IPreprocessor>(new TemplatePreprocessor(context.DataDirectory));
}
