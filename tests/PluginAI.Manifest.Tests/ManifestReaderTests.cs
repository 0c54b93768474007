using PluginAI.Hardware;
using PluginAI.Manifest;

namespace PluginAI.Manifest.Tests;

public sealed class ManifestReaderTests
{
    private const string Full = """
        {
          // comments are allowed
          "schemaVersion": 1,
          "id": "Acme.Llama.Cuda",
          "version": "2.1.0-beta.1",
          "displayName": "Acme llama",
          "authors": ["Acme"],
          "license": "MIT",
          "kinds": ["backend", "preprocessor"],
          "entry": { "assembly": "Acme.Llama.dll", "type": "Acme.Llama.Plugin" },
          "hostApi": "[1.0,2.0)",
          "isolation": "out-of-process",
          "requirements": { "rids": ["linux-x64"], "instructionSets": ["AVX2", "fma"], "minRamMb": 8192 },
          "variants": [
            { "name": "cuda12", "path": "cuda12", "requirements": { "accelerators": [ { "type": "gpu", "api": "cuda", "minApiVersion": "12.0", "minVramMb": 6144, "vendor": "NVIDIA" } ] } },
            { "name": "npu", "requirements": { "accelerators": [ { "type": "npu", "api": "openvino" } ] }, "entry": { "assembly": "Acme.Npu.dll", "type": "Acme.Npu.Plugin" } }
          ],
          "licensing": { "model": "trial", "productCode": "ACME-LLAMA", "trialDays": 30 },
          "certifications": [ { "certifier": "nvidia", "pluginId": "Acme.Llama.Cuda", "versions": "[2.0,3.0)",
              "devices": [ { "vendor": "nvidia", "pciIds": ["10de:2330"], "drivers": "550.0" } ],
              "suiteVersion": "1.0.0", "reportSha256": "0000000000000000000000000000000000000000000000000000000000000000", "expires": "2027-06-30T00:00:00Z" } ],
          "contributors": { "weights": { "code": 0.5, "issues": 0.4, "docs": 0.1 }, "entries": [ { "id": "ada@example.com", "codeCommits": 3, "share": 0.75 } ] },
          "files": [ { "path": "lib/Acme.Llama.dll", "sha256": "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "size": 42 } ]
        }
        """;

    [Fact]
    public void Parse_FullManifest_ReadsEverySection()
    {
        var result = ManifestReader.Parse(Full);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var m = result.Manifest;
        Assert.Equal("Acme.Llama.Cuda", m.Id);
        Assert.Equal("2.1.0-beta.1", m.Version.ToString());
        Assert.Equal([PluginKind.Backend, PluginKind.Preprocessor], m.Kinds);
        Assert.Equal(PluginIsolation.OutOfProcess, m.Isolation);
        Assert.Equal(["avx2", "fma"], m.Requirements.InstructionSets);
        Assert.Equal(8192, m.Requirements.MinRamMb);
        var cuda = m.Variants[0].Requirements.Accelerators.Single();
        Assert.Equal((AcceleratorType.Gpu, "cuda", "12.0.0", 6144L, "nvidia"), (cuda.Type, cuda.Api, cuda.MinApiVersion!.ToString(), cuda.MinVramMb!.Value, cuda.Vendor));
        Assert.Equal("Acme.Npu.Plugin", m.Variants[1].Entry!.Type);
        Assert.Equal((LicensingModel.Trial, "ACME-LLAMA", 30), (m.Licensing.Model, m.Licensing.ProductCode, m.Licensing.TrialDays!.Value));
        Assert.Equal("10de:2330", m.Certifications.Single().Devices.Single().PciIds.Single());
        Assert.Equal(0.4, m.Contributors!.IssuesWeight);
        Assert.Equal(42, m.Files.Single().Size);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Writer_RoundTripsTheFullManifest()
    {
        var first = ManifestReader.Parse(Full).GetManifestOrThrow();
        var json = ManifestWriter.ToJson(first);
        var second = ManifestReader.Parse(json).GetManifestOrThrow();

        Assert.Equal(json, ManifestWriter.ToJson(second));
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Variants.Count, second.Variants.Count);
        Assert.Equal(first.Certifications[0].Expires, second.Certifications[0].Expires);
    }

    [Theory]
    [InlineData("""{ "id": "Bad Id!", "version": "1.0.0", "kinds": ["backend"], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "1.0" }""", "id", "not a valid plugin id")]
    [InlineData("""{ "id": "A", "version": "one", "kinds": ["backend"], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "1.0" }""", "version", "'one' is not a version")]
    [InlineData("""{ "id": "A", "version": "1.0.0", "kinds": [], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "1.0" }""", "kinds", "the array is empty")]
    [InlineData("""{ "id": "A", "version": "1.0.0", "kinds": ["backend", "backend"], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "1.0" }""", "kinds[1]", "listed twice")]
    [InlineData("""{ "id": "A", "version": "1.0.0", "kinds": ["backend"], "entry": { "assembly": "../evil.dll", "type": "T" }, "hostApi": "1.0" }""", "entry.assembly", "inside the plugin folder")]
    [InlineData("""{ "id": "A", "version": "1.0.0", "kinds": ["backend"], "entry": { "assembly": "a.dll" }, "hostApi": "1.0" }""", "entry.type", "the field is missing; expected the full name of the type that implements PluginAI.IPlugin")]
    [InlineData("""{ "id": "A", "version": "1.0.0", "kinds": ["backend"], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "1.0", "requirements": { "instructionSets": ["avx9"] } }""", "requirements.instructionSets[0]", "unknown instruction set 'avx9'")]
    [InlineData("""{ "id": "A", "version": "1.0.0", "kinds": ["backend"], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "1.0", "requirements": { "minRamMb": -5 } }""", "requirements.minRamMb", "out of range")]
    [InlineData("""{ "id": "A", "version": "1.0.0", "kinds": ["backend"], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "1.0", "requirements": { "accelerators": [ { "type": "gpu", "api": "opencl" } ] } }""", "requirements.accelerators[0].api", "unknown value 'opencl'")]
    [InlineData("""{ "id": "A", "version": "1.0.0", "kinds": ["backend"], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "1.0", "licensing": { "model": "paid" } }""", "licensing.productCode", "the field is missing")]
    [InlineData("""{ "id": "A", "version": "1.0.0", "kinds": ["backend"], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "1.0", "contributors": { "weights": { "code": 0.6, "issues": 0.3, "docs": 0.3 } } }""", "contributors.weights", "sum to 1.2")]
    [InlineData("""{ "schemaVersion": 9, "id": "A", "version": "1.0.0", "kinds": ["backend"], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "1.0" }""", "schemaVersion", "update PluginAI")]
    [InlineData("""{ "id": "A", "version": "1.0.0", "kinds": ["backend"], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "1.0", "variants": [ { "name": "x" }, { "name": "X" } ] }""", "variants[1].name", "used twice")]
    [InlineData("""[1, 2]""", "", "expected a JSON object")]
    public void Parse_InvalidField_NamesFileFieldAndExpectation(string json, string field, string expected)
    {
        var result = ManifestReader.Parse(json, "plugins/x/pluginai.json");

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal("plugins/x/pluginai.json", error.File);
        Assert.Equal(field, error.Field);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        var ex = Assert.Throws<ManifestException>(result.GetManifestOrThrow);
        Assert.Contains(field.Length > 0 ? $"field '{field}'" : "plugins/x/pluginai.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownFields_AreWarningsNotErrors()
    {
        var result = ManifestReader.Parse("""{ "id": "A", "version": "1.0.0", "kinds": ["retriever"], "entry": { "assembly": "a.dll", "type": "T" }, "hostApi": "1.0", "homepage": "x" }""");

        Assert.True(result.IsValid);
        Assert.Equal("homepage", Assert.Single(result.Warnings).Field);
    }

    [Fact]
    public async Task ReadFile_MissingFile_IsAnErrorNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "pluginai.json");
        var result = await ManifestReader.ReadFileAsync(path);

        Assert.Equal(path, Assert.Single(result.Errors).File);
        Assert.Contains("does not exist", result.Errors[0].Message, StringComparison.Ordinal);
    }
}
