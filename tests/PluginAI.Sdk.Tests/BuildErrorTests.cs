namespace PluginAI.Sdk.Tests;

public sealed class BuildErrorTests
{
    private const string GeneratedProperties = """
            <PluginAIKinds>postprocessor</PluginAIKinds>
            <PluginAIEntryType>Acme.Sample.SamplePlugin</PluginAIEntryType>
        """;

    [Fact]
    public void A_bad_property_is_an_error_that_names_the_property()
    {
        using var project = PluginProject.Create(GeneratedProperties.Replace(">postprocessor<", ">frontend<", StringComparison.Ordinal));

        var (exit, output) = project.Dotnet("build");

        Assert.NotEqual(0, exit);
        Assert.Contains($"{project.ProjectFile} : error PAI1005: PluginAIKinds: 'frontend' is not a plugin kind; expected one of backend, preprocessor, postprocessor, retriever", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hand_written_manifest_reports_the_file_and_the_json_path()
    {
        using var project = PluginProject.Create(string.Empty, manifest: """
            {
              "id": "Acme.Sample",
              "version": "1.0.0",
              "kinds": ["postprocessor", "frontend"],
              "entry": { "assembly": "Acme.Sample.dll", "type": "Acme.Sample.SamplePlugin" },
              "hostApi": "[2.0,3.0)",
              "colour": "blue"
            }
            """);
        var manifest = Path.Combine(project.Directory, "pluginai.json");

        var (exit, output) = project.Dotnet("build");

        Assert.NotEqual(0, exit);
        Assert.Contains($"{manifest} : error PAI1005: field 'kinds[1]': unknown kind 'frontend'; expected one of backend, preprocessor, postprocessor, retriever", output, StringComparison.Ordinal);
        Assert.Contains($"{manifest} : warning PAI1100: field 'colour': unknown field, ignored", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_type_missing_from_the_assembly_is_an_error()
    {
        using var project = PluginProject.Create(GeneratedProperties, entryCode: "public sealed class OtherPlugin { }");

        var (exit, output) = project.Dotnet("build");

        Assert.NotEqual(0, exit);
        Assert.Contains($"{project.ProjectFile} : error PAI1021: PluginAIEntryType: the type 'Acme.Sample.SamplePlugin' is not defined in Acme.Sample.dll", output, StringComparison.Ordinal);
    }
}
