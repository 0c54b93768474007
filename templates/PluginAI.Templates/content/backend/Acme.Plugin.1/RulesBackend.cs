using PluginAI.Backends;

namespace Acme.Plugin._1;

/// <summary>
/// Loads <c>.rules</c> models: a deterministic rule-based chat model and a hashing-trick embedding model in one small
/// text file (see <see cref="RulesModelFile"/>). Safe to use from several threads.
/// </summary>
public sealed class RulesBackend : IInferenceBackend
{
    /// <summary>The file extension of rules models.</summary>
    public const string Extension = ".rules";

    /// <inheritdoc />
    public BackendMetadata Metadata { get; } = new("rules")
    {
        Formats = ["rules"],
        Capabilities = ModelCapabilities.Chat | ModelCapabilities.Embeddings | ModelCapabilities.SeedDeterminism,
        Devices = ["cpu"],
    };

    /// <inheritdoc />
    public bool CanLoad(string modelPath) =>
        string.Equals(Path.GetExtension(modelPath), Extension, StringComparison.OrdinalIgnoreCase) && RulesModelFile.HasHeader(modelPath);

    /// <inheritdoc />
    public async Task<ILoadedModel> LoadModelAsync(ModelLoadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var file = await RulesModelFile.ReadAsync(request.ModelPath, cancellationToken).ConfigureAwait(false);
        return new RulesModel(file, request);
    }
}
