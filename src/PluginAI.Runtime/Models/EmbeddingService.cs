using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using PluginAI.Backends;
using PluginAI.Host.Planning;

namespace PluginAI.Runtime.Models;

/// <summary>The embed use case: vectors for texts from a pooled embedding model.</summary>
public sealed class EmbeddingService
{
    private readonly ModelPool _pool;
    private readonly PluginAIOptions _options;

    /// <summary>Initializes a new instance of the <see cref="EmbeddingService"/> class.</summary>
    /// <param name="pool">Where models come from.</param>
    /// <param name="options">The default embedding model.</param>
    public EmbeddingService(ModelPool pool, IOptions<PluginAIOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pool = pool;
        _options = options.Value;
    }

    /// <summary>Embeds texts.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="model">An embedding model (registered name, file, or built-in name); <see langword="null"/> for the default.</param>
    /// <param name="overrides">The user's device-planning choices.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The vectors, in the order of the texts, with the model that made them.</returns>
    public async Task<EmbeddingResult> EmbedAsync(IReadOnlyList<string> texts, string? model = null, PlanOverrides? overrides = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        await using var lease = await _pool.AcquireAsync(model ?? _options.DefaultEmbeddingModel, ModelCapabilities.Embeddings, overrides, cancellationToken).ConfigureAwait(false);
        var embeddings = await lease.Model.EmbeddingGenerator!.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new EmbeddingResult(
            lease.Model.Metadata.ModelId,
            lease.Model.Metadata.EmbeddingDimensions,
            lease.Model.Metadata.Plan?.Device ?? lease.Plan.Device,
            [.. embeddings.Select(e => e.Vector)])
        {
            InputTokenCount = embeddings.Usage?.InputTokenCount,
        };
    }
}
