using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;

namespace PluginAI.Sdk.Tests.Templates;

/// <summary>The facts about the generated projects that everything else relies on, asserted one by one.</summary>
[Collection(TemplateHiveCollection.Name)]
public sealed class TemplateContentTests(TemplateHive hive)
{
    public static TheoryData<string, string, string, string> Kinds => new()
    {
        { "pluginai-backend", "backend", "RulesPlugin", "BackendConformanceTests" },
        { "pluginai-preprocessor", "preprocessor", "SubtitlePlugin", "PreprocessorConformanceTests" },
        { "pluginai-postprocessor", "postprocessor", "UpperCasePlugin", "PostprocessorConformanceTests" },
        { "pluginai-retriever", "retriever", "InMemoryPlugin", "RetrieverConformanceTests" },
    };

    [Fact]
    public void Package_HoldsFourTemplates_WithoutBuildOutput_AndStampsItsVersion()
    {
        using var package = ZipFile.OpenRead(hive.PackagePath);
        var entries = package.Entries.Select(e => e.FullName).ToList();

        Assert.DoesNotContain(entries, e => e.Contains("/bin/", StringComparison.Ordinal) || e.Contains("/obj/", StringComparison.Ordinal));
        var version = Path.GetFileNameWithoutExtension(hive.PackagePath)["PluginAI.Templates.".Length..];
        foreach (var kind in new[] { "backend", "preprocessor", "postprocessor", "retriever" })
        {
            var entry = package.GetEntry($"content/{kind}/.template.config/template.json");
            Assert.NotNull(entry);
            using var stream = entry.Open();
            using var json = JsonDocument.Parse(stream);
            var root = json.RootElement;
            Assert.Equal($"pluginai-{kind}", root.GetProperty("shortName").GetString());
            Assert.Equal("Acme.Plugin.1", root.GetProperty("sourceName").GetString());
            Assert.Equal(version, root.GetProperty("symbols").GetProperty("pluginaiVersion").GetProperty("defaultValue").GetString());
            Assert.Contains(entries, e => e == $"content/{kind}/.gitignore");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void PluginProject_DeclaresItsManifest_AndReferencesTheContractsWithoutShippingThem(string shortName, string kind, string entryType, string suite)
    {
        _ = suite;
        var folder = hive.Create(shortName, "Acme.Thing");
        var project = XDocument.Load(Path.Combine(folder, "Acme.Thing", "Acme.Thing.csproj"));

        Assert.Equal(kind, Property(project, "PluginAIKinds"));
        Assert.Equal($"Acme.Thing.{entryType}", Property(project, "PluginAIEntryType"));
        Assert.Equal("[2.0,3.0)", Property(project, "PluginAIHostApi"));
        Assert.Equal("free", Property(project, "PluginAILicensing"));
        Assert.Equal("true", Property(project, "TreatWarningsAsErrors"));
        Assert.Equal("enable", Property(project, "Nullable"));
        Assert.Null(Property(project, "PluginAIProductCode"));
        Assert.Empty(project.Descendants("PluginAIAccelerator"));

        var abstractions = Reference(project, "PluginAI.Abstractions");
        Assert.Equal("all", abstractions.Attribute("PrivateAssets")?.Value);
        Assert.Equal("runtime", abstractions.Attribute("ExcludeAssets")?.Value);
        Assert.Equal(TemplateVersion(), abstractions.Attribute("Version")?.Value);
        Assert.Equal("all", Reference(project, "PluginAI.Sdk").Attribute("PrivateAssets")?.Value);
        Assert.Equal(TemplateVersion(), Reference(project, "PluginAI.Sdk").Attribute("Version")?.Value);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TestProject_InheritsTheConformanceSuite(string shortName, string kind, string entryType, string suite)
    {
        _ = (kind, entryType);
        var folder = hive.Create(shortName, "Acme.Thing");
        var tests = Path.Combine(folder, "Acme.Thing.Tests");
        var project = XDocument.Load(Path.Combine(tests, "Acme.Thing.Tests.csproj"));

        Assert.Equal("../Acme.Thing/Acme.Thing.csproj", Assert.Single(project.Descendants("ProjectReference")).Attribute("Include")?.Value);
        Assert.Equal(TemplateVersion(), Reference(project, "PluginAI.Testing").Attribute("Version")?.Value);
        Assert.Equal("2.9.3", Reference(project, "xunit").Attribute("Version")?.Value);
        Assert.NotNull(Reference(project, "Microsoft.NET.Test.Sdk"));
        Assert.NotNull(Reference(project, "xunit.runner.visualstudio"));
        Assert.Contains(
            Directory.GetFiles(tests, "*.cs"),
            f => File.ReadAllText(f).Contains($" : {suite}", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(folder, "README.md")));
        Assert.True(File.Exists(Path.Combine(folder, ".gitignore")));
        Assert.True(File.Exists(Path.Combine(folder, "Acme.Thing.slnx")));
    }

    [Theory]
    [InlineData("cuda", "gpu", "cuda", "linux-x64;win-x64", null)]
    [InlineData("vulkan", "gpu", "vulkan", "linux-x64;linux-arm64;win-x64", null)]
    [InlineData("npu", "npu", "openvino", "linux-x64;win-x64", null)]
    [InlineData("avx2", null, null, "linux-x64;win-x64;osx-x64", "avx2;fma")]
    public void Hardware_FillsRidsInstructionSetsAndAccelerators(string hardware, string? type, string? api, string rids, string? instructionSets)
    {
        var folder = hive.Create("pluginai-backend", "Acme.Gpu", "--hardware", hardware, "--min-ram-mb", "8192");
        var project = XDocument.Load(Path.Combine(folder, "Acme.Gpu", "Acme.Gpu.csproj"));

        Assert.Equal(rids, Property(project, "PluginAIRids"));
        Assert.Equal(instructionSets, Property(project, "PluginAIInstructionSets"));
        Assert.Equal("8192", Property(project, "PluginAIMinRamMb"));
        var accelerator = project.Descendants("PluginAIAccelerator").SingleOrDefault();
        Assert.Equal(type, accelerator?.Attribute("Include")?.Value);
        Assert.Equal(api, accelerator?.Attribute("Api")?.Value);
    }

    [Fact]
    public void PaidLicensing_NamesTheProductCode_AndDefaultsItToTheProjectName()
    {
        var given = XDocument.Load(Path.Combine(hive.Create("pluginai-postprocessor", "Acme.Upper", "--licensing", "paid", "--product-code", "ACME-UP"), "Acme.Upper", "Acme.Upper.csproj"));
        var derived = XDocument.Load(Path.Combine(hive.Create("pluginai-postprocessor", "acme-upper.pro", "--licensing", "trial"), "acme-upper.pro", "acme-upper.pro.csproj"));

        Assert.Equal(("paid", "ACME-UP", (string?)null), (Property(given, "PluginAILicensing"), Property(given, "PluginAIProductCode"), Property(given, "PluginAITrialDays")));
        Assert.Equal(("trial", "ACME-UPPER-PRO", "30"), (Property(derived, "PluginAILicensing"), Property(derived, "PluginAIProductCode"), Property(derived, "PluginAITrialDays")));
        Assert.Equal("acme_upper.pro.UpperCasePlugin", Property(derived, "PluginAIEntryType"));
        Assert.Equal("acme-upper.pro.Tests", derived.Descendants("InternalsVisibleTo").Single().Attribute("Include")?.Value);
    }

    private string TemplateVersion() => Path.GetFileNameWithoutExtension(hive.PackagePath)["PluginAI.Templates.".Length..];

    private static string? Property(XDocument project, string name) => project.Descendants(name).SingleOrDefault()?.Value;

    private static XElement Reference(XDocument project, string id) =>
        project.Descendants("PackageReference").Single(r => r.Attribute("Include")?.Value == id);
}
