using Microsoft.Extensions.AI;
using PluginAI.Backends;

namespace Acme.Plugin._1;

/// <summary>A loaded rules model: a chat client and an embedding generator over one <see cref="RulesModelFile"/>.</summary>
internal sealed class RulesModel : ILoadedModel
{
    public RulesModel(RulesModelFile file, ModelLoadRequest request)
    {
        var modelId = request.ModelName ?? file.Name;
        Metadata = new ModelMetadata
        {
            ModelId = modelId,
            ModelPath = file.Path,
            Architecture = "rules",
            Capabilities = ModelCapabilities.Chat | ModelCapabilities.Embeddings | ModelCapabilities.SeedDeterminism,
            ContextSize = request.Plan?.ContextSize ?? file.ContextSize,
            EmbeddingDimensions = file.Dimensions,
            Plan = request.Plan,
        };
        ChatClient = new RulesChatClient(file, modelId);
        EmbeddingGenerator = new HashingEmbeddingGenerator(file.Dimensions, modelId);
    }

    public ModelMetadata Metadata { get; }

    public IChatClient ChatClient { get; }

    public IEmbeddingGenerator<string, Embedding<float>> EmbeddingGenerator { get; }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
