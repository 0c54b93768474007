using System.Text.Json;
using PluginAI.Manifest;

namespace PluginAI.Host.Workers;

/// <summary>
/// The user's choice of where each plugin runs, kept in the home's <c>isolation.json</c>
/// (<c>{"plugins": {"Acme.Backend": "out-of-process"}}</c>); it overrides the manifests.
/// </summary>
public static class IsolationSettings
{
    /// <summary>The file name in the PluginAI home.</summary>
    public const string FileName = "isolation.json";

    private const long MaxBytes = 1024 * 1024;

    /// <summary>Reads the choices; an absent file means none.</summary>
    /// <param name="home">The PluginAI home.</param>
    /// <returns>Where each plugin runs, by id.</returns>
    /// <exception cref="InvalidDataException">The file is not what it should be; the message names the file and the field.</exception>
    public static IReadOnlyDictionary<string, PluginIsolation> Load(string home)
    {
        ArgumentNullException.ThrowIfNull(home);
        var path = Path.Combine(home, FileName);
        var result = new Dictionary<string, PluginIsolation>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return result;
        }

        if (new FileInfo(path).Length > MaxBytes)
        {
            throw new InvalidDataException($"{path}: the file is larger than {MaxBytes} bytes; expected a small JSON object");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!document.RootElement.TryGetProperty("plugins", out var plugins) || plugins.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: field 'plugins': expected an object of plugin ids and 'in-process' or 'out-of-process'");
            }

            foreach (var plugin in plugins.EnumerateObject())
            {
                result[plugin.Name] = plugin.Value.GetString() switch
                {
                    "in-process" => PluginIsolation.InProcess,
                    "out-of-process" => PluginIsolation.OutOfProcess,
                    _ => throw new InvalidDataException($"{path}: field 'plugins.{plugin.Name}': expected 'in-process' or 'out-of-process'"),
                };
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({ex.Message})", ex);
        }

        return result;
    }

    /// <summary>Sets or clears the choice for one plugin, writing the file atomically.</summary>
    /// <param name="home">The PluginAI home.</param>
    /// <param name="pluginId">The plugin id.</param>
    /// <param name="isolation">Where it runs, or <see langword="null"/> to follow its manifest again.</param>
    public static void Set(string home, string pluginId, PluginIsolation? isolation)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentException.ThrowIfNullOrEmpty(pluginId);
        var choices = new Dictionary<string, PluginIsolation>(Load(home), StringComparer.OrdinalIgnoreCase);
        if (isolation is { } value)
        {
            choices[pluginId] = value;
        }
        else
        {
            choices.Remove(pluginId);
        }

        Directory.CreateDirectory(home);
        var path = Path.Combine(home, FileName);
        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("plugins");
            foreach (var (id, choice) in choices.OrderBy(c => c.Key, StringComparer.OrdinalIgnoreCase))
            {
                writer.WriteString(id, choice == PluginIsolation.OutOfProcess ? "out-of-process" : "in-process");
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
