using PluginAI.Backends;
using PluginAI.Gguf;
using PluginAI.Host;
using PluginAI.Host.Planning;

namespace PluginAI.Runtime.Models;

/// <summary>Resolves a model name or path to the backend that loads it, the file, and the device plan for this machine.</summary>
public static class ModelResolver
{
    /// <summary>Plans how a model would run, without loading it.</summary>
    /// <param name="host">The host with its backends and hardware profile.</param>
    /// <param name="nameOrPath">A registered name, a file path, or a built-in model name.</param>
    /// <param name="overrides">The user's choices.</param>
    /// <returns>The backend that would load it, the resolved path, and the plan.</returns>
    /// <exception cref="PluginException">No backend can load the model, or its header is not valid.</exception>
    public static ModelPlan Plan(PluginHost host, string nameOrPath, PlanOverrides? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(nameOrPath);
        var path = new ModelRegistry(host.Paths).Resolve(nameOrPath);
        if (path.StartsWith("hf:", StringComparison.OrdinalIgnoreCase))
        {
            throw new PluginException($"{path}: this model is not downloaded yet; get it with '{ModelService.PullCommandFor(path)}', then use the name it is registered under.") { FilePath = path, ErrorCode = "model.missing" };
        }

        if (LooksLikeAFile(path) && !File.Exists(path) && !Directory.Exists(path))
        {
            throw new PluginException($"{Path.GetFullPath(path)}: the model file does not exist; expected a GGUF file, an .onnx file with vocab.txt beside it, or a name from 'pluginai models list'{(Path.IsPathRooted(path) || Path.HasExtension(path) ? string.Empty : $"; to download a model from a hub: '{ModelService.PullCommandFor(path)}'")}.") { FilePath = path, ErrorCode = "model.missing" };
        }

        var backends = host.GetBackends();
        var backend = backends.FirstOrDefault(b => b.CanLoad(path));
        if (backend is null)
        {
            var installed = backends.Count == 0
                ? "no backend plugin is loaded (see 'pluginai doctor')"
                : "the loaded backends read " + string.Join(", ", backends.Select(b => $"{b.Metadata.Name} ({string.Join(", ", b.Metadata.Formats)})"));
            var missing = File.Exists(path) || Path.IsPathRooted(path) ? string.Empty : $" It is neither a file nor a registered model name ('pluginai models list'); to download it: '{ModelService.PullCommandFor(path)}'.";
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

        return new ModelPlan(backend, path, plan);
    }

    /// <summary>A name with a folder or a model file extension is a path; a bare name may be a backend's built-in model.</summary>
    private static bool LooksLikeAFile(string nameOrPath) =>
        nameOrPath.IndexOfAny(['/', '\\']) >= 0
        || nameOrPath.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)
        || nameOrPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
        || nameOrPath.EndsWith(".bin", StringComparison.OrdinalIgnoreCase);
}
