using PluginAI.Backends;
using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Host.Activation;

/// <summary>A loaded plugin's contract implementations, as an activator returns them; disposing it unloads the plugin.</summary>
public sealed class ActivatedPlugin : IAsyncDisposable
{
    private readonly Func<ValueTask> _dispose;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="ActivatedPlugin"/> class.</summary>
    /// <param name="dispose">Unloads the plugin.</param>
    public ActivatedPlugin(Func<ValueTask> dispose)
    {
        ArgumentNullException.ThrowIfNull(dispose);
        _dispose = dispose;
    }

    /// <summary>Gets the inference backends the plugin registered.</summary>
    public IReadOnlyList<IInferenceBackend> Backends { get; init; } = [];

    /// <summary>Gets the preprocessors the plugin registered.</summary>
    public IReadOnlyList<IPreprocessor> Preprocessors { get; init; } = [];

    /// <summary>Gets the postprocessors the plugin registered.</summary>
    public IReadOnlyList<IPostprocessor> Postprocessors { get; init; } = [];

    /// <summary>Gets the retrievers the plugin registered.</summary>
    public IReadOnlyList<IRetriever> Retrievers { get; init; } = [];

    /// <summary>Counts the implementations of one kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>How many the plugin registered.</returns>
    public int Count(PluginKind kind) => kind switch
    {
        PluginKind.Backend => Backends.Count,
        PluginKind.Preprocessor => Preprocessors.Count,
        PluginKind.Postprocessor => Postprocessors.Count,
        _ => Retrievers.Count,
    };

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? _dispose() : ValueTask.CompletedTask;
}
