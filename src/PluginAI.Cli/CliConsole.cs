using System.Globalization;
using Spectre.Console;

namespace PluginAI.Cli;

/// <summary>Where a command writes: a Spectre console for people and a plain writer for <c>--json</c> output.</summary>
/// <param name="Console">The console for tables, progress and messages.</param>
/// <param name="Out">The writer for machine-readable output.</param>
/// <param name="Error">The writer for error messages, one line each, never wrapped.</param>
internal sealed record CliConsole(IAnsiConsole Console, TextWriter Out, TextWriter Error)
{
    public static CliConsole CreateDefault()
    {
        var console = AnsiConsole.Console;
        if (System.Console.IsOutputRedirected)
        {
            // Output piped to a file or another program has no terminal width; do not wrap tables at 80 columns.
            console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns > 40 ? columns : 160;
        }

        return new CliConsole(console, System.Console.Out, System.Console.Error);
    }
}
