using PluginAI.Host;
using PluginAI.Host.Hardware;

namespace PluginAI.Runtime;

/// <summary>How <c>AddPluginAI()</c> sets up the host, the model pool and the services.</summary>
/// <remarks>Validated when the first service is resolved: a bad value fails start-up with a message naming the option.</remarks>
public sealed class PluginAIOptions
{
    /// <summary>The registered model name that chat and ask use when no model is named.</summary>
    public const string DefaultChatModelName = "default";

    /// <summary>The embedding model used when none is configured (all-MiniLM-L6-v2, built in).</summary>
    public const string BuiltInEmbeddingModel = "all-MiniLM-L6-v2";

    /// <summary>Gets the options of the plugin host: home folder, plugin folders, trust settings.</summary>
    public PluginHostOptions Host { get; } = new();

    /// <summary>Gets or sets how the host describes this machine; <see langword="null"/> probes it (<see cref="HardwareProbe"/>).</summary>
    public IHardwareProbe? HardwareProbe { get; set; }

    /// <summary>Gets or sets how long a model stays loaded after its last use. Default 5 minutes.</summary>
    public TimeSpan ModelKeepAlive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the memory the model pool may fill, in bytes; <see langword="null"/> takes three quarters of this
    /// machine's memory from the hardware profile. Idle models are unloaded, least recently used first, to stay under it.
    /// </summary>
    public long? ModelMemoryBudgetBytes { get; set; }

    /// <summary>Gets or sets the registered model name used when a chat or an ask names no model.</summary>
    public string DefaultChatModel { get; set; } = DefaultChatModelName;

    /// <summary>Gets or sets the embedding model for new knowledge bases.</summary>
    public string DefaultEmbeddingModel { get; set; } = BuiltInEmbeddingModel;

    /// <summary>Gets or sets a folder feed used as a package source besides the configured ones (the tool's sample feed).</summary>
    public string? SampleFeedDirectory { get; set; }

    /// <summary>Gets or sets a value indicating whether to install only from sources that serve an index signed by a trusted registry key.</summary>
    public bool RequireSignedIndex { get; set; }

    /// <summary>Gets or sets the clock the pool uses for keep-alive; tests pass their own.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
