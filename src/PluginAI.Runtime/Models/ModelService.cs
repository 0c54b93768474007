using Microsoft.Extensions.Options;
using PluginAI.Host.Planning;

namespace PluginAI.Runtime.Models;

/// <summary>The models use case: registered names, the default-model rule, plans, and what the pool holds.</summary>
public sealed class ModelService
{
    private readonly PluginHostProvider _hosts;
    private readonly ModelPool _pool;
    private readonly PluginAIOptions _options;

    /// <summary>Initializes a new instance of the <see cref="ModelService"/> class.</summary>
    /// <param name="hosts">The host.</param>
    /// <param name="pool">The model pool.</param>
    /// <param name="options">The defaults.</param>
    public ModelService(PluginHostProvider hosts, ModelPool pool, IOptions<PluginAIOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _hosts = hosts;
        _pool = pool;
        _options = options.Value;
    }

    /// <summary>Gets the embedding model new knowledge bases use.</summary>
    public string DefaultEmbeddingModel => _options.DefaultEmbeddingModel;

    /// <summary>Gets the registered name chat and ask use when no model is named.</summary>
    public string DefaultChatModel => _options.DefaultChatModel;

    private ModelRegistry Registry => new(_hosts.Paths);

    /// <summary>Lists the registered models.</summary>
    /// <returns>The models, by name.</returns>
    public IReadOnlyList<RegisteredModel> List() => Registry.List();

    /// <summary>Registers a model file under a name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="path">The file.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="PluginException">The name is not valid or the file does not exist.</exception>
    public RegisteredModel Add(string name, string path) => Registry.Add(name, path);

    /// <summary>Forgets a registered name; the file is kept.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when it was registered.</returns>
    public bool Remove(string name) => Registry.Remove(name);

    /// <summary>
    /// Applies the default-model rule: the model asked for, else the model registered under
    /// <see cref="PluginAIOptions.DefaultChatModel"/>, else none (answers are then extractive).
    /// </summary>
    /// <param name="requested">The model the caller named, if any.</param>
    /// <returns>The model to use, or <see langword="null"/> for none.</returns>
    public string? ResolveChatModel(string? requested) =>
        !string.IsNullOrWhiteSpace(requested) ? requested
        : Registry.List().Any(m => string.Equals(m.Name, _options.DefaultChatModel, StringComparison.OrdinalIgnoreCase)) ? _options.DefaultChatModel
        : null;

    /// <summary>Plans how a model would run here, without loading it.</summary>
    /// <param name="nameOrPath">A registered name, a file path, or a built-in model name.</param>
    /// <param name="overrides">The user's choices.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The backend, the file and the plan.</returns>
    public Task<ModelPlan> PlanAsync(string nameOrPath, PlanOverrides? overrides = null, CancellationToken cancellationToken = default) =>
        _pool.PlanAsync(nameOrPath, overrides, cancellationToken);

    /// <summary>Gets what the model pool holds now.</summary>
    /// <returns>The pooled models with their state.</returns>
    public IReadOnlyList<PooledModelInfo> Loaded() => _pool.List();

    /// <summary>Unloads an idle model now.</summary>
    /// <param name="nameOrPath">The model.</param>
    /// <returns><see langword="true"/> when it was unloaded.</returns>
    public Task<bool> UnloadAsync(string nameOrPath) => _pool.UnloadAsync(nameOrPath);
}
