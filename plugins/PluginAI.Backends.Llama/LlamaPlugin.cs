using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Backends.Llama.Internal;

namespace PluginAI.Backends.Llama;

/// <summary>The entry point of the GGUF backend plugin: registers an <see cref="Backends.IInferenceBackend"/> that runs GGUF models on llama.cpp.</summary>
/// <remarks>
/// The backend validates every file with PluginAI.Gguf before llama.cpp sees it, memory-maps weights by default,
/// follows the host's <see cref="DevicePlan"/>, and routes llama.cpp's log to the host's logging.
/// </remarks>
public sealed class LlamaPlugin : IPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(context);
        services.AddSingleton<IInferenceBackend>(provider =>
        {
            var loggerFactory = provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            return new QuantizingLlamaBackend(new LlamaBackend(loggerFactory.CreateLogger("PluginAI.Backends.Llama")));
        });
    }
}
