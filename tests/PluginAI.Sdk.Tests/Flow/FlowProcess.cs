using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace PluginAI.Sdk.Tests.Flow;

/// <summary>Starts the real <c>dotnet</c> and <c>pluginai</c> commands as a plugin author and a user would.</summary>
internal static class FlowProcess
{
    /// <summary>Gets the path of the pluginai.dll built next to these tests (see the project file).</summary>
    public static string PluginAICli { get; } = typeof(FlowProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PluginAICli").Value!;

    /// <summary>A <c>dotnet</c> command with the environment of a plain shell: nothing of the test host's MSBuild leaks in.</summary>
    public static ProcessStartInfo Dotnet(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = Start(workingDirectory, arguments);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_HOST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        // No build servers: a compiler or MSBuild server left running would keep the output pipes open.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>A <c>pluginai</c> command (the built pluginai.dll) on a home folder of its own.</summary>
    public static ProcessStartInfo PluginAI(string workingDirectory, string home, IEnumerable<string> arguments)
    {
        var start = Start(workingDirectory, [PluginAICli, .. arguments]);
        start.Environment["PLUGINAI_HOME"] = home;
        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "200";
        return start;
    }

    /// <summary>Runs a command to its end and returns its exit code and output (standard output, then standard error).</summary>
    /// <exception cref="TimeoutException">The command ran longer than <paramref name="timeout"/>; its output so far is in the message.</exception>
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Describe(start)} did not start.");
        process.StandardInput.Close();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var reading = Task.WhenAll(Pump(process.StandardOutput, stdout), Pump(process.StandardError, stderr));
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(10)));
            throw new TimeoutException($"{Describe(start)} ran longer than {timeout}.\n{Text(stdout)}\n{Text(stderr)}");
        }

        // A grandchild that inherited the pipes may keep them open; the output read so far is enough then.
        await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(30)));
        return (process.ExitCode, Text(stdout), Text(stderr));
    }

    /// <summary>Copies a reader into a buffer, line by line, until it ends.</summary>
    public static async Task Pump(StreamReader reader, StringBuilder buffer, Action<string>? onLine = null)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (buffer)
            {
                buffer.AppendLine(line);
            }

            onLine?.Invoke(line);
        }
    }

    public static string Text(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }

    public static string Describe(ProcessStartInfo start) =>
        $"{start.FileName} {string.Join(' ', start.ArgumentList.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a))} (in {start.WorkingDirectory})";

    private static ProcessStartInfo Start(string workingDirectory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
