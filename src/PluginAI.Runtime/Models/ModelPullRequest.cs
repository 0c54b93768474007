namespace PluginAI.Runtime.Models;

/// <summary>What <see cref="ModelService.PullAsync"/> downloads, and how it is checked.</summary>
public sealed record ModelPullRequest
{
    /// <summary>
    /// Gets the source: <c>hf:OWNER/REPO</c>, <c>hf:OWNER/REPO:QUANT</c> (such as <c>Q4_K_M</c>),
    /// <c>hf:OWNER/REPO:FILE.gguf</c>, an <c>http(s)://</c> URL of a GGUF file, or <c>pkg:ID[@VERSION]</c>, a model
    /// package from the configured package sources, verified as a plugin package is.
    /// </summary>
    public required string Source { get; init; }

    /// <summary>Gets the name to register the model under; by default the file name without <c>.gguf</c>.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Gets the hub's base URL for <c>hf:</c> sources (a mirror or company proxy). Default: <c>HF_ENDPOINT</c>, else
    /// <c>endpoint</c> in <c>hub.json</c> in the PluginAI home, else <c>https://huggingface.co</c>.
    /// </summary>
    public string? HubEndpoint { get; init; }

    /// <summary>Gets the SHA-256 (hex) a URL source must have; <c>hf:</c> sources use the hash the hub publishes.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Gets a value indicating whether a URL source may be registered without a SHA-256 to check.</summary>
    public bool NoVerify { get; init; }
}
