namespace PluginAI.Backends;

/// <summary>An inference backend: loads models on the right device and exposes them as Microsoft.Extensions.AI clients.</summary>
/// <remarks>
/// Implementations are registered by a plugin as singletons and must be safe to call from several threads at once.
/// <see cref="LoadModelAsync"/> throws <see cref="PluginException"/> with <see cref="PluginException.FilePath"/> set
/// for a model it cannot load (missing, unreadable, wrong format, unsupported architecture); it never crashes the process
/// for bad input.
/// </remarks>
public interface IInferenceBackend
{
    /// <summary>Gets what the backend is and what it can load.</summary>
    BackendMetadata Metadata { get; }

    /// <summary>Returns whether the backend can load a model file, judged from its name and header only.</summary>
    /// <param name="modelPath">The model file.</param>
    /// <returns><see langword="true"/> when the backend recognises the format.</returns>
    bool CanLoad(string modelPath);

    /// <summary>Loads a model.</summary>
    /// <param name="request">The model and how to place it on the device.</param>
    /// <param name="cancellationToken">A token to cancel the load.</param>
    /// <returns>The loaded model; dispose it to free its memory.</returns>
    Task<ILoadedModel> LoadModelAsync(ModelLoadRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets a service the backend offers beyond this interface, or <see langword="null"/>.</summary>
    /// <param name="serviceType">The type of service.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : null;
}
