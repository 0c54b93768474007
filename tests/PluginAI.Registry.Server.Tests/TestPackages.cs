using System.Text;
using NuGet.Packaging;
using NuGet.Versioning;

namespace PluginAI.Registry.Server.Tests;

/// <summary>Builds plugin packages for the tests: nuspec, pluginai.json at the root and plugin/Some.dll.</summary>
internal static class TestPackages
{
    public static string Manifest(string id, string version, string kinds = "\"backend\"", string extra = "") => $$"""
        {
          "schemaVersion": 1,
          "id": "{{id}}",
          "version": "{{version}}",
          "displayName": "{{id}} plugin",
          "description": "A test plugin named {{id}}.",
          "authors": ["Acme"],
          "kinds": [{{kinds}}],
          "entry": { "assembly": "Some.dll", "type": "Acme.SomePlugin" },
          "hostApi": "[2.0,3.0)"{{extra}}
        }
        """;

    public static byte[] Build(string id, string version, string? manifest = "", byte[]? signature = null, string? description = null)
    {
        var builder = new PackageBuilder
        {
            Id = id,
            Version = NuGetVersion.Parse(version),
            Description = description ?? $"A test plugin named {id}.",
        };
        builder.Authors.Add("Acme");
        builder.Tags.Add("pluginai");
        builder.Tags.Add("pluginai-plugin");
        builder.Files.Add(File("plugin/Some.dll", Encoding.UTF8.GetBytes($"not really an assembly: {id} {version}")));
        if (manifest is not null)
        {
            builder.Files.Add(File("pluginai.json", Encoding.UTF8.GetBytes(manifest.Length == 0 ? Manifest(id, version) : manifest)));
        }

        if (signature is not null)
        {
            builder.Files.Add(File("pluginai.sig", signature));
        }

        using var stream = new MemoryStream();
        builder.Save(stream);
        return stream.ToArray();
    }

    private static PhysicalPackageFile File(string target, byte[] content) => new(new MemoryStream(content)) { TargetPath = target };
}
