using System.Diagnostics;
using System.Text;

namespace PluginAI.Sdk.Tests.Templates;

/// <summary>
/// Packs templates/PluginAI.Templates once per test run, installs the package into a private template hive, and
/// instantiates templates from it into scratch folders, so that the tests see exactly what a plugin author gets.
/// </summary>
public sealed class TemplateHive : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(5);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pluginai-template-tests", Guid.NewGuid().ToString("N"));

    public TemplateHive()
    {
        RepositoryRoot = FindRepositoryRoot();
        var packages = Path.Combine(_root, "packages");
        HivePath = Path.Combine(_root, "hive");
        Run(RepositoryRoot, "pack", Path.Combine(RepositoryRoot, "templates", "PluginAI.Templates"), "-o", packages, "-nodeReuse:false", "-p:UseSharedCompilation=false");
        PackagePath = Assert.Single(Directory.GetFiles(packages, "PluginAI.Templates.*.nupkg"));
        Run(_root, "new", "install", PackagePath, "--debug:custom-hive", HivePath);
    }

    public string RepositoryRoot { get; }

    public string PackagePath { get; }

    public string HivePath { get; }

    /// <summary>Runs <c>dotnet new &lt;shortName&gt; -n &lt;name&gt;</c> with the given options into a new folder.</summary>
    /// <returns>The folder the template wrote.</returns>
    public string Create(string shortName, string name, params string[] options)
    {
        var output = Path.Combine(_root, "out", Guid.NewGuid().ToString("N"));
        Run(_root, ["new", shortName, "-n", name, "-o", output, "--no-update-check", "--debug:custom-hive", HivePath, .. options]);
        return output;
    }

    /// <summary>Lists every file under a folder as its relative path with '/' separators, in ordinal order.</summary>
    public static IReadOnlyList<string> Files(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    /// <summary>Renders every file under a folder as one text: a <c>=== path ===</c> line, then the content.</summary>
    public static string Render(string folder)
    {
        var text = new StringBuilder();
        foreach (var file in Files(folder))
        {
            text.Append("=== ").Append(file).Append(" ===\n");
            text.Append(File.ReadAllText(Path.Combine(folder, file)).ReplaceLineEndings("\n"));
            if (text[^1] != '\n')
            {
                text.Append('\n');
            }
        }

        return text.ToString();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "PluginAI.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No PluginAI.sln above {AppContext.BaseDirectory}.");
    }

    private static void Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild settings belong to the test run, not to the commands it starts.
        foreach (var variable in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(variable);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} ran longer than {s_timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TemplateHiveCollection : ICollectionFixture<TemplateHive>
{
    public const string Name = "PluginAI templates";
}
