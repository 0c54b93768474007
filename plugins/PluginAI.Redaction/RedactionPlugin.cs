using Microsoft.Extensions.DependencyInjection;
using PluginAI.Processing;

namespace PluginAI.Redaction;

/// <summary>The plugin entry point: registers the PII redaction postprocessor.</summary>
public sealed class RedactionPlugin : IPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddSingleton<IPostprocessor, RedactionPostprocessor>();
}
