using Microsoft.Extensions.AI;
using PluginAI.Backends;

namespace PluginAI.Host.Internal;

internal sealed class GuardedBackend(IInferenceBackend inner, PluginGuard guard) : IInferenceBackend
{
    public BackendMetadata Metadata => guard.Run("IInferenceBackend.Metadata", () => inner.Metadata);

    public bool CanLoad(string modelPath) => guard.Run("IInferenceBackend.CanLoad", () => inner.CanLoad(modelPath));

    public async Task<ILoadedModel> LoadModelAsync(ModelLoadRequest request, CancellationToken cancellationToken = default)
    {
        var model = await guard.RunAsync("IInferenceBackend.LoadModelAsync", () => inner.LoadModelAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        return new GuardedLoadedModel(model, guard);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    private sealed class GuardedLoadedModel : ILoadedModel
    {
        private readonly ILoadedModel _inner;
        private readonly PluginGuard _guard;

        public GuardedLoadedModel(ILoadedModel inner, PluginGuard guard)
        {
            _inner = inner;
            _guard = guard;
            ChatClient = inner.ChatClient is { } chat ? new GuardedChatClient(chat, guard) : null;
            EmbeddingGenerator = inner.EmbeddingGenerator is { } embedder ? new GuardedEmbeddingGenerator(embedder, guard) : null;
        }

        public ModelMetadata Metadata => _inner.Metadata;

        public IChatClient? ChatClient { get; }

        public IEmbeddingGenerator<string, Embedding<float>>? EmbeddingGenerator { get; }

        public object? GetService(Type serviceType, object? serviceKey = null) => _inner.GetService(serviceType, serviceKey);

        public ValueTask DisposeAsync() =>
            new(_guard.RunAsync("ILoadedModel.DisposeAsync", () => _inner.DisposeAsync().AsTask(), CancellationToken.None));
    }

    private sealed class GuardedChatClient(IChatClient inner, PluginGuard guard) : DelegatingChatClient(inner)
    {
        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            guard.RunAsync("IChatClient.GetResponseAsync", () => base.GetResponseAsync(messages, options, cancellationToken), cancellationToken);

        public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            guard.StreamAsync("IChatClient.GetStreamingResponseAsync", ct => base.GetStreamingResponseAsync(messages, options, ct), cancellationToken);
    }

    private sealed class GuardedEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, PluginGuard guard)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            guard.RunAsync("IEmbeddingGenerator.GenerateAsync", () => base.GenerateAsync(values, options, cancellationToken), cancellationToken);
    }
}
