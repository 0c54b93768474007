using PluginAI.Backends;

namespace PluginAI.Runtime.Models;

/// <summary>A model taken from the <see cref="ModelPool"/>: use it, then dispose the lease so the model can go idle.</summary>
/// <remarks>Disposing the lease never unloads the model; the pool does that after the keep-alive. Disposing twice is harmless.</remarks>
public sealed class ModelLease : IAsyncDisposable
{
    private readonly ModelPool _pool;
    private readonly ModelPool.Entry _entry;
    private int _released;

    internal ModelLease(ModelPool pool, ModelPool.Entry entry, ILoadedModel model, ModelPlan plan)
    {
        _pool = pool;
        _entry = entry;
        Model = model;
        Backend = plan.Backend;
        Plan = plan.Plan;
        Path = plan.Path;
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
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _pool.Release(_entry);
        }

        return ValueTask.CompletedTask;
    }
}
