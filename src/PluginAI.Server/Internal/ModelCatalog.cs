using PluginAI.Runtime;
using PluginAI.Runtime.Knowledge;
using PluginAI.Runtime.Models;

namespace PluginAI.Server.Internal;

/// <summary>The model ids the API accepts: registered model names, the built-in embedding model, and <c>kb:NAME[/MODEL]</c>.</summary>
/// <remarks>Clients name models, never files: a path in <c>model</c> is refused, so a caller cannot make the server open a file of its choosing.</remarks>
internal sealed class ModelCatalog(ModelService models, KnowledgeBaseService knowledgeBases)
{
    public const string KnowledgeBasePrefix = "kb:";
    public const string BuiltInEmbeddingId = "all-minilm-l6-v2";

    public IReadOnlyList<RegisteredModel> Registered() => models.List();

    /// <summary>Finds a registered model by the id a client sent.</summary>
    public RegisteredModel RequireRegistered(string id, string param = "model") =>
        models.List().FirstOrDefault(m => string.Equals(m.Name, id, StringComparison.OrdinalIgnoreCase))
        ?? throw new ApiException(404, $"The model '{id}' does not exist here; GET /v1/models lists the models this server has, and '{ModelService.PullCommandFor(id)}' on the server's machine downloads one.", param, "model_not_found");

    /// <summary>Resolves an embedding model id: the built-in model, or a registered model.</summary>
    public string ResolveEmbedding(string id) =>
        string.Equals(id, BuiltInEmbeddingId, StringComparison.OrdinalIgnoreCase) || string.Equals(id, PluginAIOptions.BuiltInEmbeddingModel, StringComparison.OrdinalIgnoreCase)
            ? PluginAIOptions.BuiltInEmbeddingModel
            : RequireRegistered(id).Name;

    /// <summary>Splits <c>kb:NAME[/MODEL]</c>; the knowledge base must exist and the model, when named, be registered.</summary>
    public async Task<(string KnowledgeBase, string? Model)?> ResolveKnowledgeBaseAsync(string id, CancellationToken cancellationToken)
    {
        if (!id.StartsWith(KnowledgeBasePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = id[KnowledgeBasePrefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? rest : rest[..slash];
        var model = slash < 0 ? null : rest[(slash + 1)..];
        var bases = await knowledgeBases.ListAsync(cancellationToken).ConfigureAwait(false);
        var kb = bases.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ApiException(404, $"The knowledge base '{name}' does not exist here; GET /v1/knowledge-bases lists them.", "model", "model_not_found");
        return (kb.Name, model is null ? null : RequireRegistered(model).Name);
    }

    public IReadOnlyList<PooledModelInfo> Pooled() => models.Loaded();

    public string? DefaultChatModel() => models.ResolveChatModel(null);
}
