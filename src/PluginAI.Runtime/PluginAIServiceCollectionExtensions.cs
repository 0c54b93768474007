using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginAI.Runtime;
using PluginAI.Runtime.Chat;
using PluginAI.Runtime.Doctor;
using PluginAI.Runtime.Evaluation;
using PluginAI.Runtime.Ingestion;
using PluginAI.Runtime.Internal;
using PluginAI.Runtime.Knowledge;
using PluginAI.Runtime.Models;
using PluginAI.Runtime.Plugins;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers PluginAI's application layer.</summary>
public static class PluginAIServiceCollectionExtensions
{
    /// <summary>
    /// Registers the plugin host (started on first use), the model pool and one service per use case:
    /// <see cref="ChatService"/>, <see cref="EmbeddingService"/>, <see cref="AskService"/>, <see cref="SearchService"/>, <see cref="RetrievalEvaluationService"/>, <see cref="IngestionService"/>,
    /// <see cref="KnowledgeBaseService"/>, <see cref="ModelService"/>, <see cref="PluginService"/> and
    /// <see cref="DoctorService"/>. Every front end (the command line, the server, Semantic Kernel, a cluster node)
    /// calls these.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; they are validated before the first service is created.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddPluginAI(this IServiceCollection services, Action<PluginAIOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<PluginAIOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PluginAIOptions>, PluginAIOptionsValidator>());
        services.TryAddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.TryAddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.TryAddSingleton<PluginHostProvider>();
        services.TryAddSingleton<ModelPool>();
        services.TryAddSingleton<ModelService>();
        services.TryAddSingleton<EmbeddingService>();
        services.TryAddSingleton<ChatService>();
        services.TryAddSingleton<KnowledgeBaseService>();
        services.TryAddSingleton<SearchService>();
        services.TryAddSingleton<RetrievalEvaluationService>();
        services.TryAddSingleton<AskService>();
        services.TryAddSingleton<IngestionService>();
        services.TryAddSingleton<PluginService>();
        services.TryAddSingleton<DoctorService>();
        return services;
    }
}
