namespace PluginAI.Architecture.Tests;

public sealed class CliOutputTests
{
    [Fact]
    public void CliOutput_HoldsNoTestFramework()
    {
        Assert.True(File.Exists(Path.Combine(Repository.CliOutput, "pluginai.dll")), $"the pluginai command is not built in {Repository.CliOutput}");

        var shipped = Directory.EnumerateFiles(Repository.CliOutput, "*.dll", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Repository.CliOutput, path))
            .Where(name => Path.GetFileName(name).StartsWith("xunit", StringComparison.OrdinalIgnoreCase) || Path.GetFileName(name).Equals("PluginAI.Testing.dll", StringComparison.OrdinalIgnoreCase))
            .ToList();

        var dependencies = File.ReadAllText(Path.Combine(Repository.CliOutput, "pluginai.deps.json"));
        Assert.DoesNotContain("xunit", dependencies, StringComparison.OrdinalIgnoreCase);
        Assert.True(shipped.Count == 0, $"{Repository.CliOutput} ships a test framework: {string.Join(", ", shipped)} (if pluginai.deps.json no longer lists them, they are left over from an older build: delete src/PluginAI.Cli/bin and build again)");
        Assert.True(File.Exists(Path.Combine(Repository.CliOutput, "PluginAI.Certification.dll")), "pluginai certify runs the conformance checks through PluginAI.Certification");
    }
}
