using PluginAI.Backends;
using PluginAI.Runtime.Models;

namespace PluginAI.Runtime.Chat;

/// <summary>The chat use case: a pooled model's <see cref="Microsoft.Extensions.AI.IChatClient"/> with the postprocessor chain.</summary>
public sealed class ChatService
{
    private readonly PluginHostProvider _hosts;
    private readonly ModelPool _pool;
    private readonly ModelService _models;

    /// <summary>Initializes a new instance of the <see cref="ChatService"/> class.</summary>
    /// <param name="hosts">The host with the postprocessors.</param>
    /// <param name="pool">Where models come from.</param>
    /// <param name="models">The default-model rule.</param>
    public ChatService(PluginHostProvider hosts, ModelPool pool, ModelService models)
    {
        _hosts = hosts;
        _pool = pool;
        _models = models;
    }

    /// <summary>Takes a chat model from the pool and composes its client with the postprocessors.</summary>
    /// <param name="options">Which model, and whether to skip the postprocessors.</param>
    /// <param name="cancellationToken">A token to cancel loading.</param>
    /// <returns>The session; dispose it to let go of the model.</returns>
    /// <exception cref="PluginException">No model is named and none is registered as the default, or it cannot be loaded.</exception>
    public async Task<ChatSession> OpenAsync(ChatSessionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ChatSessionOptions();
        var model = _models.ResolveChatModel(options.Model)
            ?? throw new PluginException($"No chat model is named and none is registered as '{_models.DefaultChatModel}'; add one with 'pluginai models add {_models.DefaultChatModel} path/to/model.gguf', or download one with '{ModelService.PullCommandFor(_models.DefaultChatModel)}'.") { ErrorCode = "model.none" };
        var host = await _hosts.GetAsync(cancellationToken).ConfigureAwait(false);
        var lease = await _pool.AcquireAsync(model, ModelCapabilities.Chat, options.Plan, cancellationToken).ConfigureAwait(false);
        var chain = new PostprocessorChain(options.Raw ? [] : host.GetPostprocessors());
        return new ChatSession(lease, chain);
    }
}
