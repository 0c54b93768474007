using PluginAI.Host;
using System.Text.Json;
using System.Text.RegularExpressions;
using PluginAI.Trust;

namespace PluginAI.Runtime.Models;

/// <summary>Names for model files, kept in <c>models.json</c> in the PluginAI home.</summary>
/// <remarks>
/// Writes go to a temporary file that replaces the registry in one rename, so a crash never leaves a half-written
/// registry. A registry that cannot be read is reported, never overwritten.
/// </remarks>
public sealed partial class ModelRegistry
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly string _file;

    /// <summary>Initializes a new instance of the <see cref="ModelRegistry"/> class.</summary>
    /// <param name="paths">The PluginAI home.</param>
    public ModelRegistry(PluginAIPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _file = paths.ModelsFile;
    }

    /// <summary>Lists the registered models, by name.</summary>
    /// <returns>The models.</returns>
    public IReadOnlyList<RegisteredModel> List() => [.. Read().OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase)];

    /// <summary>Registers a model file under a name, replacing an earlier registration of that name.</summary>
    /// <param name="name">The name: letters, digits, '.', '_' and '-'.</param>
    /// <param name="path">The model file; stored as a full path.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="PluginException">The name is not valid or the file does not exist.</exception>
    public RegisteredModel Add(string name, string path)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(path);
        if (!NamePattern().IsMatch(name))
        {
            throw new PluginException($"'{name}' is not a valid model name; expected letters, digits, '.', '_' and '-', up to 64 characters.");
        }

        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new PluginException($"{full}: the model file does not exist.") { FilePath = full, ErrorCode = "model.missing" };
        }

        var model = new RegisteredModel(name, full, DateTimeOffset.UtcNow);
        var models = Read().Where(m => !string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)).Append(model).ToList();
        Write(models);
        return model;
    }

    /// <summary>Removes a registration.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when a model of that name was registered.</returns>
    public bool Remove(string name)
    {
        var models = Read();
        var kept = models.Where(m => !string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (kept.Count == models.Count)
        {
            return false;
        }

        Write(kept);
        return true;
    }

    /// <summary>Resolves a registered name to its path; anything else is returned as given.</summary>
    /// <param name="nameOrPath">A registered name, a file path, or a built-in model name.</param>
    /// <returns>The path to load.</returns>
    public string Resolve(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        if (File.Exists(nameOrPath))
        {
            return Path.GetFullPath(nameOrPath);
        }

        return Read().FirstOrDefault(m => string.Equals(m.Name, nameOrPath, StringComparison.OrdinalIgnoreCase))?.Path ?? nameOrPath;
    }

    private List<RegisteredModel> Read()
    {
        if (!File.Exists(_file))
        {
            return [];
        }

        try
        {
            using var stream = File.OpenRead(_file);
            var document = JsonSerializer.Deserialize<RegistryDocument>(stream, s_json);
            return document?.Models?.Where(m => m is { Name: not null, Path: not null }).ToList() ?? [];
        }
        catch (JsonException ex)
        {
            throw new PluginException($"{_file}: the model registry is not valid JSON ({ex.Message}); fix or delete the file.", ex) { FilePath = _file, ErrorCode = "models.corrupt" };
        }
    }

    private void Write(List<RegisteredModel> models)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        var temp = $"{_file}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new RegistryDocument(models), s_json));
        File.Move(temp, _file, overwrite: true);
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    private sealed record RegistryDocument(List<RegisteredModel>? Models);
}
