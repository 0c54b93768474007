using PluginAI.Backends;

namespace PluginAI.Host.Models;

/// <summary>A model loaded through the host: the model, the backend that loaded it, and the plan it was loaded with.</summary>
public sealed class ModelSession : IAsyncDisposable
{
    internal ModelSession(ILoadedModel model, IInferenceBackend backend, DevicePlan plan, string path)
    {
        Model = model;
        Backend = backend;
        Plan = plan;
        Path = path;
    }

    /// <summary>Gets the loaded model.</summary>
    public ILoadedModel Model { get; }

    /// <summary>Gets the backend that loaded it.</summary>
    public IInferenceBackend Backend { get; }

    /// <summary>Gets the plan the host asked for; <see cref="ModelMetadata.Plan"/> says what the backend did.</summary>
    public DevicePlan Plan { get; }

    /// <summary>Gets the resolved model path or built-in name.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Model.DisposeAsync();
}
