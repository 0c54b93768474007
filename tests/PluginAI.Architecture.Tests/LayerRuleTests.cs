namespace PluginAI.Architecture.Tests;

public sealed class LayerRuleTests
{
    [Fact]
    public void ProjectReferences_PointOneWay()
    {
        var projects = LayerRule.Projects(Repository.Root).ToList();

        var violations = projects.SelectMany(p => LayerRule.Violations(Repository.Root, p)).ToList();

        Assert.Contains("src/PluginAI.Cli/PluginAI.Cli.csproj", projects);
        Assert.Contains("registry/PluginAI.Registry/PluginAI.Registry.csproj", projects);
        Assert.True(violations.Count == 0, "Forbidden references (see CONTRIBUTING.md, \"Layers point one way\"):" + Environment.NewLine + string.Join(Environment.NewLine, violations));
    }

    [Theory]
    [InlineData("registry/PluginAI.Registry/PluginAI.Registry.csproj", "src/PluginAI.Host/PluginAI.Host.csproj", "registry/ references only sdk/ and registry/")]
    [InlineData("sdk/PluginAI.Sdk.Tasks/PluginAI.Sdk.Tasks.csproj", "src/PluginAI.Contributors/PluginAI.Contributors.csproj", "sdk/ references only sdk/")]
    [InlineData("sdk/PluginAI.Manifest/PluginAI.Manifest.csproj", "registry/PluginAI.Trust/PluginAI.Trust.csproj", "sdk/ references only sdk/")]
    [InlineData("plugins/PluginAI.Citations/PluginAI.Citations.csproj", "sdk/PluginAI.Manifest/PluginAI.Manifest.csproj", "plugins reference only")]
    [InlineData("src/PluginAI.Cli/PluginAI.Cli.csproj", "sdk/PluginAI.Testing/PluginAI.Testing.csproj", "only test projects may reference the xunit conformance suites")]
    public void Check_ForbiddenProjectReference_NamesTheProjectAndTheReference(string project, string reference, string why)
    {
        var violation = Assert.Single(LayerRule.Check(project, [reference], []));

        Assert.StartsWith($"{project} references {reference}: ", violation, StringComparison.Ordinal);
        Assert.Contains(why, violation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("src/PluginAI.Cli/PluginAI.Cli.csproj", "xunit.assert")]
    [InlineData("registry/PluginAI.Certification/PluginAI.Certification.csproj", "xunit.extensibility.core")]
    public void Check_TestFrameworkPackage_OutsideTheTestingPackage_IsForbidden(string project, string package)
    {
        var violation = Assert.Single(LayerRule.Check(project, [], [package]));

        Assert.Contains($"{project} references the package {package}", violation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sdk/PluginAI.Testing/PluginAI.Testing.csproj", "sdk/PluginAI.Conformance/PluginAI.Conformance.csproj")]
    [InlineData("registry/PluginAI.Registry/PluginAI.Registry.csproj", "sdk/PluginAI.Manifest/PluginAI.Manifest.csproj")]
    [InlineData("plugins/PluginAI.Backends.Llama/PluginAI.Backends.Llama.csproj", "sdk/PluginAI.Gguf/PluginAI.Gguf.csproj")]
    [InlineData("src/PluginAI.Cli/PluginAI.Cli.csproj", "plugins/PluginAI.Citations/PluginAI.Citations.csproj")]
    public void Check_AllowedProjectReference_IsNotReported(string project, string reference) =>
        Assert.Empty(LayerRule.Check(project, [reference], []));
}
