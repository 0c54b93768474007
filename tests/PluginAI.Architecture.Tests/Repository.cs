using System.Reflection;

namespace PluginAI.Architecture.Tests;

/// <summary>Where the repository and the built pluginai command are, as the project file recorded at build time.</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string CliOutput { get; } = Metadata("PluginAICliOutput");

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
