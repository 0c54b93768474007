using System.Diagnostics;
using System.Reflection;

namespace PluginAI.Cli.Tests;

/// <summary>Runs the built pluginai command as a separate process, as a user would.</summary>
internal static class PluginAICli
{
    public static string Path { get; } = typeof(PluginAICli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PluginAICli").Value!;

    public static Task<(int ExitCode, string Out, string Error)> RunAsync(string home, params string[] args) =>
        RunAsync(home, new Dictionary<string, string>(), args);

    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(string home, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(home, environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts the command without waiting for it; the caller reads its output and disposes it.</summary>
    public static Process Start(string home, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PLUGINAI_HOME"] = home;
        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "200";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }
}
