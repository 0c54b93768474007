using System.Diagnostics;
using System.Text;

namespace PluginAI.Contributors.Internal;

/// <summary>Runs git with arguments passed as a list, so paths and dates are never re-parsed by a shell.</summary>
internal static class GitProcess
{
    public static ProcessStartInfo CreateStartInfo(string git, string repository, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(git)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(repository);

        // Paths with non-ASCII characters would otherwise come back octal-quoted.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("core.quotepath=off");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Translated messages would break the few places that read git's output as text.
        start.Environment["LC_ALL"] = "C";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        return start;
    }

    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(string git, string repository, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using var process = Start(git, repository, arguments);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    public static Process Start(string git, string repository, IEnumerable<string> arguments)
    {
        try
        {
            return Process.Start(CreateStartInfo(git, repository, arguments)) ?? throw new PluginException($"could not start '{git}'");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new PluginException($"could not run '{git}': {ex.Message}; install git or put it on the PATH", ex);
        }
    }
}
