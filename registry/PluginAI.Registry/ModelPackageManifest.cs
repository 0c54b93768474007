using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NuGet.Versioning;
using PluginAI.Manifest;

namespace PluginAI.Registry;

/// <summary>
/// The manifest of a model package, <c>pluginai-model.json</c> at the package root: which model file the package carries
/// under <c>model/</c>, and its SHA-256 and size. It is signed exactly as a plugin's <c>pluginai.json</c> is
/// (<c>pluginai.sig</c>); the two manifests never share a package, so a model can never be installed as a plugin, nor a
/// plugin pulled as a model.
/// </summary>
/// <remarks>
/// <code>
/// { "schemaVersion": 1, "id": "Acme.TinyStories", "version": "1.0.0", "description": "…", "license": "MIT",
///   "model": { "format": "gguf", "file": "stories260K.gguf" },
///   "files": [ { "path": "stories260K.gguf", "sha256": "…64 hex digits…", "size": 1185376 } ] }
/// </code>
/// </remarks>
public sealed record ModelPackageManifest
{
    /// <summary>The file name of a model manifest.</summary>
    public const string FileName = "pluginai-model.json";

    /// <summary>The only model format this version reads.</summary>
    public const string GgufFormat = "gguf";

    /// <summary>Gets the manifest schema version.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Gets the package id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the package version, normalised.</summary>
    public required string Version { get; init; }

    /// <summary>Gets a one-paragraph description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the licence of the model weights (an SPDX expression or a name).</summary>
    public string? License { get; init; }

    /// <summary>Gets the model format: <c>gguf</c>.</summary>
    public string Format { get; init; } = GgufFormat;

    /// <summary>Gets the model file's name under <c>model/</c>: one plain file name ending in <c>.gguf</c>.</summary>
    public required string File { get; init; }

    /// <summary>Gets the SHA-256 and size of every file under <c>model/</c>: exactly the model file.</summary>
    public required IReadOnlyList<PackageFileHash> Files { get; init; }

    /// <summary>Gets the entry of the model file in <see cref="Files"/>.</summary>
    public PackageFileHash ModelFile => Files.First(f => f.Path == File);

    /// <summary>Reads and validates a model manifest.</summary>
    /// <param name="bytes">The exact bytes of <c>pluginai-model.json</c>.</param>
    /// <param name="source">Where it came from, for messages, such as the package's file name.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="PackageContentException">The manifest is not valid; the message names the field and what was expected.</exception>
    public static ModelPackageManifest Parse(ReadOnlySpan<byte> bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        var text = Encoding.UTF8.GetString(bytes.StartsWith(bom) ? bytes[3..] : bytes);
        var where = $"{source}: {FileName}";
        JsonObject root;
        try
        {
            root = JsonNode.Parse(text) as JsonObject ?? throw new PackageContentException($"{where}: not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new PackageContentException($"{where}: not valid JSON ({ex.Message})", ex);
        }

        var schema = Integer(root, "schemaVersion", where) ?? 1;
        if (schema != 1)
        {
            throw new PackageContentException($"{where}: field 'schemaVersion' is {schema}; this version of PluginAI reads schema 1");
        }

        var id = Text(root, "id", where) ?? throw Missing(where, "id", "the package id");
        var versionText = Text(root, "version", where) ?? throw Missing(where, "version", "the package version");
        if (!NuGetVersion.TryParse(versionText, out var version))
        {
            throw new PackageContentException($"{where}: field 'version' is '{versionText}'; expected a semantic version such as 1.0.0");
        }

        if (root["model"] is not JsonObject model)
        {
            throw Missing(where, "model", "an object with 'format' and 'file'");
        }

        var format = Text(model, "format", where, "model.format") ?? GgufFormat;
        if (!string.Equals(format, GgufFormat, StringComparison.Ordinal))
        {
            throw new PackageContentException($"{where}: field 'model.format' is '{format}'; expected '{GgufFormat}'");
        }

        var file = Text(model, "file", where, "model.file") ?? throw Missing(where, "model.file", "the model's file name under model/");
        if (file.Contains('/', StringComparison.Ordinal) || file.Contains('\\', StringComparison.Ordinal) || PluginPackageLayout.FindPathProblem(file) is not null
            || !file.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
        {
            throw new PackageContentException($"{where}: field 'model.file' is '{file}'; expected one plain file name ending in .gguf, with no folders");
        }

        if (root["files"] is not JsonArray list)
        {
            throw Missing(where, "files", "the SHA-256 and size of the model file");
        }

        var files = new List<PackageFileHash>();
        for (var i = 0; i < list.Count; i++)
        {
            var field = $"files[{i}]";
            if (list[i] is not JsonObject entry)
            {
                throw new PackageContentException($"{where}: field '{field}' is not an object; expected {{ \"path\", \"sha256\", \"size\" }}");
            }

            var path = Text(entry, "path", where, field + ".path") ?? throw Missing(where, field + ".path", "a file name");
            var sha = Text(entry, "sha256", where, field + ".sha256") ?? throw Missing(where, field + ".sha256", "64 hexadecimal digits");
            if (sha.Length != 64 || !sha.All(char.IsAsciiHexDigit))
            {
                throw new PackageContentException($"{where}: field '{field}.sha256' is '{sha}'; expected 64 hexadecimal digits");
            }

            var size = Long(entry, "size", where, field + ".size") ?? throw Missing(where, field + ".size", "the size in bytes");
            if (size < 0)
            {
                throw new PackageContentException($"{where}: field '{field}.size' is {size}; expected a size in bytes");
            }

            files.Add(new PackageFileHash(path, sha.ToLowerInvariant(), size));
        }

        if (files.Count != 1 || files[0].Path != file)
        {
            throw new PackageContentException($"{where}: field 'files' lists {(files.Count == 0 ? "nothing" : string.Join(", ", files.Select(f => $"'{f.Path}'")))}; expected exactly the model file '{file}'");
        }

        return new ModelPackageManifest
        {
            SchemaVersion = schema,
            Id = id,
            Version = version.ToNormalizedString(),
            Description = Text(root, "description", where),
            License = Text(root, "license", where),
            Format = format,
            File = file,
            Files = files,
        };
    }

    /// <summary>Writes the manifest as indented JSON, the bytes that are packed and signed.</summary>
    /// <returns>The UTF-8 bytes.</returns>
    public byte[] ToUtf8Bytes()
    {
        var root = new JsonObject
        {
            ["schemaVersion"] = SchemaVersion,
            ["id"] = Id,
            ["version"] = Version,
        };
        if (Description is not null)
        {
            root["description"] = Description;
        }

        if (License is not null)
        {
            root["license"] = License;
        }

        root["model"] = new JsonObject { ["format"] = Format, ["file"] = File };
        root["files"] = new JsonArray([.. Files.Select(f => (JsonNode)new JsonObject { ["path"] = f.Path, ["sha256"] = f.Sha256, ["size"] = f.Size })]);
        return Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static PackageContentException Missing(string where, string field, string expected) =>
        new($"{where}: field '{field}' is missing; expected {expected}");

    private static string? Text(JsonObject node, string name, string where, string? field = null)
    {
        if (node[name] is not { } value)
        {
            return null;
        }

        return value is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw new PackageContentException($"{where}: field '{field ?? name}' is not a non-empty string");
    }

    private static int? Integer(JsonObject node, string name, string where) =>
        Long(node, name, where, name) is { } value ? (int)Math.Clamp(value, int.MinValue, int.MaxValue) : null;

    private static long? Long(JsonObject node, string name, string where, string field)
    {
        if (node[name] is not { } value)
        {
            return null;
        }

        return value is JsonValue v && v.TryGetValue<long>(out var number)
            ? number
            : throw new PackageContentException($"{where}: field '{field}' is not a whole number");
    }
}
