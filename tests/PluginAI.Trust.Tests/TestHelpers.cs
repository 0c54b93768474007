using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PluginAI.Trust.Tests;

/// <summary>A clock the tests set and move.</summary>
internal sealed class FakeTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>A temporary folder deleted after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pluginai-trust-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Builds plugin folders with packed manifests.</summary>
internal static class PluginFixture
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    public static JsonObject Manifest(string id = "Acme.Redaction", JsonObject? licensing = null, JsonArray? variants = null)
    {
        var root = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["id"] = id,
            ["version"] = "1.2.0",
            ["kinds"] = new JsonArray("preprocessor"),
            ["entry"] = new JsonObject { ["assembly"] = "Acme.Redaction.dll", ["type"] = "Acme.Redaction.Plugin" },
            ["hostApi"] = "[2.0,3.0)",
        };
        if (variants is not null)
        {
            root["variants"] = variants;
        }

        if (licensing is not null)
        {
            root["licensing"] = licensing;
        }

        return root;
    }

    /// <summary>Writes files, then the manifest listing them, then optionally the signature.</summary>
    public static byte[] WritePlugin(string folder, IReadOnlyDictionary<string, byte[]> files, SigningKey? signer = null, JsonObject? manifest = null, bool pack = true)
    {
        Directory.CreateDirectory(folder);
        manifest ??= Manifest();
        var list = new JsonArray();
        foreach (var (path, bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var full = System.IO.Path.Combine(folder, path.Replace('/', System.IO.Path.DirectorySeparatorChar));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
            list.Add(new JsonObject { ["path"] = path, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)), ["size"] = bytes.Length });
        }

        if (pack)
        {
            manifest["files"] = list;
        }

        var manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        File.WriteAllBytes(System.IO.Path.Combine(folder, "pluginai.json"), manifestBytes);
        if (signer is not null)
        {
            Content.ManifestSigner.SignDirectory(folder, signer);
        }

        return manifestBytes;
    }

    public static Dictionary<string, byte[]> DefaultFiles() => new(StringComparer.Ordinal)
    {
        ["Acme.Redaction.dll"] = Encoding.UTF8.GetBytes("MZ pretend assembly"),
        ["Acme.Redaction.deps.json"] = Encoding.UTF8.GetBytes("{}"),
        ["runtimes/linux-x64/native/libacme.so"] = [1, 2, 3, 4, 5],
    };
}
