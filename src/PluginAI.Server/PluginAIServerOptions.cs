namespace PluginAI.Server;

/// <summary>How the OpenAI-compatible server listens, who may call it, and the limits it enforces.</summary>
public sealed class PluginAIServerOptions
{
    /// <summary>The address the server listens on when none is given: this machine only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Gets the addresses to listen on; empty means <see cref="DefaultUrl"/>. A port of 0 picks a free one.</summary>
    public IList<string> Urls { get; } = [];

    /// <summary>Gets the API keys callers present as <c>Authorization: Bearer KEY</c>; required to listen beyond loopback.</summary>
    public IList<string> ApiKeys { get; } = [];

    /// <summary>Gets the origins browsers may call the API from; empty turns CORS off.</summary>
    public IList<string> CorsOrigins { get; } = [];

    /// <summary>Gets or sets the largest JSON request body accepted, in bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets the largest document upload accepted, in bytes.</summary>
    public long MaxUploadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Gets or sets the most tokens one request may ask to generate (<c>max_tokens</c>); also the default.</summary>
    public int MaxTokens { get; set; } = 2048;

    /// <summary>Gets or sets the most inputs one embeddings request may carry.</summary>
    public int MaxEmbeddingInputs { get; set; } = 2048;

    /// <summary>Gets or sets how long a client that got 429 is told to wait.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the device-planning choices applied to every model the server loads for generation (threads, context, sequences, queue).</summary>
    public PluginAI.Host.Planning.PlanOverrides? Plan { get; set; }

    /// <summary>Gets or sets a value indicating whether to log each request.</summary>
    public bool LogRequests { get; set; }
}
