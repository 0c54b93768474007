using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Backends;

namespace PluginAI.Backends.Onnx;

/// <summary>
/// The entry point of the ONNX Runtime backend plugin: registers an <see cref="IInferenceBackend"/> that computes
/// sentence embeddings with BERT-style ONNX models, with all-MiniLM-L6-v2 built in.
/// </summary>
/// <remarks>
/// Load the built-in model with <c>ModelPath = "all-MiniLM-L6-v2"</c>, or any <c>*.onnx</c> file that has a
/// <c>vocab.txt</c> beside it. The backend is a singleton and safe to use from several threads.
/// </remarks>
public sealed class OnnxBackendPlugin : IPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(context);
        services.AddSingleton<IInferenceBackend>(provider => new OnnxEmbeddingBackend(
            new OnnxBackendOptions { DataDirectory = context.DataDirectory },
            provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
    }
}
