using System.IO.Compression;
using System.Security.Cryptography;
using System.Xml.Linq;
using PluginAI.Hardware;
using PluginAI.Manifest;

namespace PluginAI.Sdk.Tests;

public sealed class PackTests(PackedPluginFixture fixture) : IClassFixture<PackedPluginFixture>
{
    private static readonly string[] s_nugetEntries = ["_rels/", "[Content_Types].xml", "package/", ".signature.p7s"];

    [Fact]
    public void Generated_manifest_carries_the_project_properties_and_is_copied_next_to_the_assembly()
    {
        Assert.True(fixture.ExitCode == 0, fixture.Output);
        var generated = Path.Combine(fixture.IntermediateDirectory, "pluginai.json");
        var copied = Path.Combine(fixture.OutputDirectory, "pluginai.json");
        Assert.Equal(File.ReadAllText(generated), File.ReadAllText(copied));

        var result = ManifestReader.Parse(File.ReadAllText(copied), copied);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        Assert.Empty(result.Warnings);
        var m = result.Manifest;
        Assert.Equal("Acme.Sample", m.Id);
        Assert.Equal("1.2.3", m.Version.ToString());
        Assert.Equal("Acme sample", m.DisplayName);
        Assert.Equal("A sample plugin packed by the SDK tests.", m.Description);
        Assert.Equal(["Ann Author", "Bob Builder"], m.Authors);
        Assert.Equal("MIT", m.License);
        Assert.Equal([PluginKind.Postprocessor, PluginKind.Retriever], m.Kinds);
        Assert.Equal(new PluginEntryPoint("Acme.Sample.dll", "Acme.Sample.SamplePlugin"), m.Entry);
        Assert.Equal("[2.0,3.0)", m.HostApi.ToString());
        Assert.Equal(PluginIsolation.InProcess, m.Isolation);
        Assert.Equal(["linux-x64", "win-x64"], m.Requirements.RuntimeIdentifiers);
        Assert.Equal(["avx2", "fma"], m.Requirements.InstructionSets);
        Assert.Equal(2048, m.Requirements.MinRamMb);
        Assert.Empty(m.Requirements.Accelerators);
        var variant = Assert.Single(m.Variants);
        Assert.Equal("cuda12", variant.Name);
        Assert.Equal("cuda12", variant.Path);
        var gpu = Assert.Single(variant.Requirements.Accelerators);
        Assert.Equal(AcceleratorType.Gpu, gpu.Type);
        Assert.Equal("cuda", gpu.Api);
        Assert.Equal("12.0.0", gpu.MinApiVersion?.ToString());
        Assert.Equal(4096, gpu.MinVramMb);
        Assert.Equal("nvidia", gpu.Vendor);
        Assert.Equal(LicensingModel.Trial, m.Licensing.Model);
        Assert.Equal("ACME-SAMPLE", m.Licensing.ProductCode);
        Assert.Equal(30, m.Licensing.TrialDays);
        Assert.Equal("acme-2026", m.Licensing.VendorKeyId);
        Assert.Empty(m.Files);
        Assert.Null(m.Contributors);
    }

    [Fact]
    public void Pack_lays_out_plugin_files_and_a_manifest_that_hashes_them()
    {
        Assert.True(fixture.ExitCode == 0, fixture.Output);
        using var package = ZipFile.OpenRead(fixture.PackagePath);
        var entries = package.Entries.Select(e => e.FullName).Where(e => !s_nugetEntries.Any(e.StartsWith)).Order(StringComparer.Ordinal).ToList();

        // plugin/ is what PluginAICopyToBundle copies: the output without XML docs and other symbols, and the manifest goes to the root.
        var expected = Directory.EnumerateFiles(fixture.OutputDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(fixture.OutputDirectory, f).Replace('\\', '/'))
            .Where(f => !f.EndsWith(".xml", StringComparison.Ordinal) && f != "pluginai.json" && (!f.EndsWith(".pdb", StringComparison.Ordinal) || f == "Acme.Sample.pdb"))
            .Select(f => "plugin/" + f)
            .Append("Acme.Sample.nuspec")
            .Append("pluginai.json")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, entries);
        Assert.Contains("plugin/Acme.Sample.dll", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));

        using var reader = new StreamReader(package.GetEntry("pluginai.json")!.Open());
        var manifest = ManifestReader.Parse(reader.ReadToEnd(), "pluginai.json").GetManifestOrThrow();
        Assert.Equal(entries.Where(e => e.StartsWith("plugin/", StringComparison.Ordinal)).Select(e => e["plugin/".Length..]), manifest.Files.Select(f => f.Path));
        foreach (var file in manifest.Files)
        {
            using var stream = package.GetEntry("plugin/" + file.Path)!.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.Equal(file.Size, copy.Length);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(copy.ToArray())), file.Sha256);
        }

        using var nuspecStream = package.GetEntry("Acme.Sample.nuspec")!.Open();
        var nuspec = XDocument.Load(nuspecStream);
        var ns = nuspec.Root!.GetDefaultNamespace();
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal(["sample", "pluginai", "pluginai-plugin", "pluginai-postprocessor", "pluginai-retriever"], metadata.Element(ns + "tags")!.Value.Split(' '));
        Assert.Empty(metadata.Descendants(ns + "dependency"));
        Assert.DoesNotContain(metadata.Descendants(ns + "packageType"), p => p.Attribute("name")?.Value != "Dependency");
    }

    [Fact]
    public void Pack_records_the_contributors_of_the_git_repository()
    {
        Assert.True(fixture.ExitCode == 0, fixture.Output);
        using var package = ZipFile.OpenRead(fixture.PackagePath);
        using var reader = new StreamReader(package.GetEntry("pluginai.json")!.Open());
        var contributors = ManifestReader.Parse(reader.ReadToEnd(), "pluginai.json").GetManifestOrThrow().Contributors;

        Assert.NotNull(contributors);
        Assert.Equal(0.6, contributors.CodeWeight);
        var ann = Assert.Single(contributors.Entries, e => e.Id == "ann@example.com");
        var bob = Assert.Single(contributors.Entries, e => e.Id == "bob@example.com");
        Assert.Equal(2, contributors.Entries.Count);
        Assert.Equal("Ann Author", ann.Name);
        Assert.Equal((1, 0), (ann.CodeCommits, ann.DocCommits));
        Assert.Equal((1, 1), (bob.CodeCommits, bob.DocCommits));
        Assert.True(bob.Share > ann.Share);
        Assert.Equal(1.0, ann.Share + bob.Share, 6);
    }
}
