using System.Xml.Linq;

namespace PluginAI.Architecture.Tests;

/// <summary>
/// The layer rule of CONTRIBUTING.md ("Layers point one way"): <c>sdk/</c> references only <c>sdk/</c>;
/// <c>registry/</c> references <c>sdk/</c> and <c>registry/</c>; <c>plugins/</c> reference only the contracts (and
/// <c>sdk/PluginAI.Gguf</c>, a package a plugin ships like any other); <c>src/</c> may reference anything below it; and
/// nothing shipped but <c>sdk/PluginAI.Testing</c> references a test framework.
/// </summary>
internal static class LayerRule
{
    /// <summary>The top-level folders whose projects the rule covers.</summary>
    public static readonly string[] Layers = ["sdk", "registry", "plugins", "src"];

    private static readonly string[] s_pluginReferences = ["sdk/PluginAI.Abstractions", "sdk/PluginAI.Gguf"];
    private const string TestingProject = "sdk/PluginAI.Testing";

    /// <summary>Every project file the rule covers, as paths relative to the repository root with forward slashes.</summary>
    public static IEnumerable<string> Projects(string root) =>
        Layers.SelectMany(layer => Directory.EnumerateFiles(Path.Combine(root, layer), "*.csproj", SearchOption.AllDirectories))
            .Select(path => Relative(root, path))
            .Where(path => !path.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal);

    /// <summary>Reads a project's references and lists those the rule forbids.</summary>
    /// <param name="root">The repository root.</param>
    /// <param name="project">The project, relative to the root.</param>
    /// <returns>One line per forbidden reference, naming the project and the reference.</returns>
    public static IEnumerable<string> Violations(string root, string project)
    {
        var document = XDocument.Load(Path.Combine(root, project));
        var directory = Path.GetDirectoryName(Path.Combine(root, project))!;
        var projectReferences = document.Descendants("ProjectReference")
            .Select(e => (string?)e.Attribute("Include") ?? string.Empty)
            .Where(include => !include.StartsWith("@(", StringComparison.Ordinal))
            .Select(include => Relative(root, Path.GetFullPath(Path.Combine(directory, include.Replace("$(RepoRoot)", root, StringComparison.Ordinal).Replace("$(MSBuildThisFileDirectory)", directory + "/", StringComparison.Ordinal)))));
        var packageReferences = document.Descendants("PackageReference").Select(e => (string?)e.Attribute("Include") ?? string.Empty);
        return Check(project, projectReferences, packageReferences);
    }

    /// <summary>Applies the rule to one project's references.</summary>
    /// <param name="project">The project, relative to the repository root with forward slashes.</param>
    /// <param name="projectReferences">The projects it references, relative to the root.</param>
    /// <param name="packageReferences">The package ids it references.</param>
    /// <returns>One line per forbidden reference, naming the project and the reference.</returns>
    public static IEnumerable<string> Check(string project, IEnumerable<string> projectReferences, IEnumerable<string> packageReferences)
    {
        var layer = project.Split('/')[0];
        var folder = project[..project.LastIndexOf('/')];
        foreach (var reference in projectReferences)
        {
            var target = reference[..reference.LastIndexOf('/')];
            var targetLayer = target.Split('/')[0];
            var allowed = layer switch
            {
                "sdk" => targetLayer == "sdk",
                "registry" => targetLayer is "sdk" or "registry",
                "plugins" => s_pluginReferences.Contains(target, StringComparer.Ordinal),
                "src" => targetLayer is "sdk" or "registry" or "plugins" or "src",
                _ => true,
            };
            if (!allowed)
            {
                yield return $"{project} references {reference}: {Why(layer)}";
            }
            else if (target == TestingProject && folder != TestingProject)
            {
                yield return $"{project} references {reference}: only test projects may reference the xunit conformance suites; use sdk/PluginAI.Conformance";
            }
        }

        foreach (var package in packageReferences)
        {
            if (folder != TestingProject && (package.StartsWith("xunit", StringComparison.OrdinalIgnoreCase) || package.Equals("Microsoft.NET.Test.Sdk", StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"{project} references the package {package}: a shipped project carries no test framework";
            }
        }
    }

    private static string Why(string layer) => layer switch
    {
        "sdk" => "sdk/ references only sdk/",
        "registry" => "registry/ references only sdk/ and registry/",
        "plugins" => $"plugins reference only {string.Join(" and ", s_pluginReferences)}",
        _ => "not allowed",
    };

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
}
