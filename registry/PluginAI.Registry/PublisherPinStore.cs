using System.Text.Json;
using PluginAI.Trust;

namespace PluginAI.Registry;

/// <summary>
/// <c>&lt;home&gt;/publishers.json</c>, beside <c>trust.json</c>: the publisher key each plugin id is pinned to. A plugin is
/// pinned to the key that signed it at its first install (trust on first use, as NuGet's trusted signers do per package
/// owner); a package of that id signed by another key is then refused until the user pins the new key explicitly.
/// </summary>
/// <remarks>Read and written under the installer's lock; the file is replaced atomically.</remarks>
internal sealed class PublisherPinStore
{
    public const string FileName = "publishers.json";

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    private readonly string _path;
    private readonly Dictionary<string, PublisherPin> _pins;

    private PublisherPinStore(string path, Dictionary<string, PublisherPin> pins)
    {
        _path = path;
        _pins = pins;
    }

    public string Path => _path;

    public static PublisherPinStore Load(string home)
    {
        var path = System.IO.Path.Combine(home, FileName);
        var pins = new Dictionary<string, PublisherPin>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return new PublisherPinStore(path, pins);
        }

        try
        {
            var list = JsonSerializer.Deserialize<List<PublisherPin>>(File.ReadAllBytes(path), s_json) ?? [];
            foreach (var pin in list)
            {
                if (string.IsNullOrWhiteSpace(pin.Id) || string.IsNullOrWhiteSpace(pin.KeyId))
                {
                    throw new JsonException("every pin needs an 'id' and a 'keyId'");
                }

                pins[pin.Id] = pin;
            }
        }
        catch (JsonException ex)
        {
            // A damaged pin file must not silently unpin every plugin.
            throw new TrustException($"{path}: cannot read the publisher pins ({ex.Message}); fix or delete the file (deleting it unpins every plugin)", ex);
        }

        return new PublisherPinStore(path, pins);
    }

    public PublisherPin? Find(string id) => _pins.GetValueOrDefault(id);

    public IReadOnlyList<PublisherPin> All => [.. _pins.Values.OrderBy(p => p.Id, StringComparer.OrdinalIgnoreCase)];

    public void Set(PublisherPin pin)
    {
        _pins[pin.Id] = pin;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_path)!);
        AtomicFile.WriteAllBytes(_path, JsonSerializer.SerializeToUtf8Bytes(All, s_json));
    }
}
