using PluginAI.Backends;
using PluginAI.Gguf;
using PluginAI.Host.Planning;

namespace PluginAI.Host.Models;

/// <summary>Loads a model by name or path: resolves it, finds a backend that can load it, plans the devices, loads.</summary>
public static class ModelLoader
{
    /// <summary>The embedding model PluginAI uses when none is configured.</summary>
    public const string DefaultEmbeddingModel = "all-MiniLM-L6-v2";

    /// <summary>Plans how a model would run, without loading it.</summary>
    /// <param name="host">The host with its backends and hardware profile.</param>
    /// <param name="nameOrPath">A registered name, a file path, or a built-in model name.</param>
    /// <param name="overrides">The user's choices.</param>
    /// <returns>The backend that would load it, the resolved path, and the plan.</returns>
    /// <exception cref="PluginException">No backend can load the model, or its header is not valid.</exception>
    public static (IInferenceBackend Backend, string Path, DevicePlan Plan) Plan(PluginHost host, string nameOrPath, PlanOverrides? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(nameOrPath);
        var path = new ModelRegistry(host.Paths).Resolve(nameOrPath);
        var backends = host.GetBackends();
        var backend = backends.FirstOrDefault(b => b.CanLoad(path));
        if (backend is null)
        {
            var installed = backends.Count == 0
                ? "no backend plugin is loaded (see 'pluginai doctor')"
                : "the loaded backends read " + string.Join(", ", backends.Select(b => $"{b.Metadata.Name} ({string.Join(", ", b.Metadata.Formats)})"));
            var missing = File.Exists(path) || Path.IsPathRooted(path) ? string.Empty : " It is neither a file nor a registered model name ('pluginai models list').";
            throw new PluginException($"{path}: no installed backend can load this model; {installed}.{missing}") { FilePath = path, ErrorCode = "model.no-backend" };
        }

        var metadata = backend.Metadata;
        DevicePlan plan;
        if (metadata.Formats.Contains("gguf", StringComparer.OrdinalIgnoreCase))
        {
            GgufFile header;
            try
            {
                header = GgufFile.Read(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new PluginException($"{path}: the model file cannot be read: {ex.Message}", ex) { FilePath = path, ErrorCode = "model.unreadable" };
            }

            plan = DevicePlanner.PlanGenerative(host.Hardware, ModelProfile.FromGguf(header), metadata.Devices, overrides);
        }
        else
        {
            plan = DevicePlanner.PlanEmbedding(host.Hardware, metadata.Devices, overrides);
        }

        return (backend, path, plan);
    }

    /// <summary>Loads a model with a plan for this machine.</summary>
    /// <param name="host">The host with its backends and hardware profile.</param>
    /// <param name="nameOrPath">A registered name, a file path, or a built-in model name.</param>
    /// <param name="capabilities">What the caller needs the model for.</param>
    /// <param name="overrides">The user's choices.</param>
    /// <param name="cancellationToken">A token to cancel the load.</param>
    /// <returns>The loaded model and how it was placed.</returns>
    /// <exception cref="PluginException">No backend can load the model, or the backend refused it.</exception>
    public static async Task<ModelSession> LoadAsync(PluginHost host, string nameOrPath, ModelCapabilities capabilities, PlanOverrides? overrides = null, CancellationToken cancellationToken = default)
    {
        var (backend, path, plan) = Plan(host, nameOrPath, overrides);
        Directory.CreateDirectory(host.Paths.Cache);
        var model = await backend.LoadModelAsync(
            new ModelLoadRequest { ModelPath = path, ModelName = nameOrPath, Plan = plan, Capabilities = capabilities, CacheDirectory = host.Paths.Cache },
            cancellationToken).ConfigureAwait(false);
        if ((model.Metadata.Capabilities & capabilities) == 0)
        {
            await model.DisposeAsync().ConfigureAwait(false);
            throw new PluginException($"{path}: the model cannot {(capabilities.HasFlag(ModelCapabilities.Chat) ? "generate text" : "compute embeddings")} ({backend.Metadata.Name} loaded it with {model.Metadata.Capabilities}).") { FilePath = path, ErrorCode = "model.capability" };
        }

        return new ModelSession(model, backend, plan, path);
    }
}
