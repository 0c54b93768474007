using System.Diagnostics;
using System.Reflection;
using System.Text;
using PluginAI;

namespace PluginAI.Sdk.Tests;

/// <summary>
/// A small plugin project in a temporary folder that imports the repository's sdk/PluginAI.Sdk/build props and targets
/// directly and runs the tasks built from sdk/PluginAI.Sdk.Tasks, built and packed by real dotnet processes.
/// </summary>
internal sealed class PluginProject : IDisposable
{
    public const string Name = "Acme.Sample";

    private PluginProject(string root, string directory)
    {
        Root = root;
        Directory = directory;
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    public string Root { get; }

    public string Directory { get; }

    public string ProjectFile => Path.Combine(Directory, Name + ".csproj");

    /// <summary>Creates the project; <paramref name="properties"/> and <paramref name="items"/> are MSBuild XML put in the project body.</summary>
    public static PluginProject Create(string properties, string items = "", string? manifest = null, string entryCode = "public sealed class SamplePlugin { }")
    {
        var root = Path.Combine(Path.GetTempPath(), "pluginai-sdk-tests", Guid.NewGuid().ToString("N")[..12]);
        var directory = Path.Combine(root, Name);
        System.IO.Directory.CreateDirectory(directory);

        // Keep the files of whatever folder the temporary folder sits in out of the build.
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), "<Project />");
        var build = Path.Combine(RepoRoot, "sdk", "PluginAI.Sdk", "build");
        var configuration = typeof(PluginProject).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var tasks = Path.Combine(RepoRoot, "sdk", "PluginAI.Sdk.Tasks", "bin", configuration, "net10.0", "PluginAI.Sdk.Tasks.dll");
        var abstractions = typeof(IPlugin).Assembly.Location;
        File.WriteAllText(Path.Combine(directory, Name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <PluginAISdkTasksAssembly>{tasks}</PluginAISdkTasksAssembly>
              </PropertyGroup>
              <Import Project="{build}/PluginAI.Plugin.props" />
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <NoWarn>$(NoWarn);CS1591</NoWarn>
                <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
            {properties}
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="{abstractions}" Private="false" />
            {items}
              </ItemGroup>
              <Import Project="{build}/PluginAI.Plugin.targets" />
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "SamplePlugin.cs"), $"namespace Acme.Sample;\n\n{entryCode}\n");
        if (manifest is not null)
        {
            File.WriteAllText(Path.Combine(directory, "pluginai.json"), manifest);
        }

        return new PluginProject(root, directory);
    }

    public string OutputDirectory(string configuration) => Path.Combine(Directory, "bin", configuration, "net10.0");

    public string IntermediateDirectory(string configuration) => Path.Combine(Directory, "obj", configuration, "net10.0");

    public (int ExitCode, string Output) Dotnet(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("-nologo");
        start.ArgumentList.Add("-nodeReuse:false");

        // The test host's own MSBuild settings must not leak into the child build.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_HOST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return Run(start, TimeSpan.FromMinutes(4));
    }

    public void Git(string name, string email, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_AUTHOR_NAME"] = name;
        start.Environment["GIT_AUTHOR_EMAIL"] = email;
        start.Environment["GIT_COMMITTER_NAME"] = name;
        start.Environment["GIT_COMMITTER_EMAIL"] = email;
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["HOME"] = Root;
        var (exit, output) = Run(start, TimeSpan.FromMinutes(1));
        if (exit != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {output}");
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static (int ExitCode, string Output) Run(ProcessStartInfo start, TimeSpan timeout)
    {
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish in {timeout}: {output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PluginAI.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("PluginAI.sln not found above " + AppContext.BaseDirectory);
    }
}
