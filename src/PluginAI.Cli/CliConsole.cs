using Spectre.Console;

namespace PluginAI.Cli;

/// <summary>Where a command writes: a Spectre console for people and a plain writer for <c>--json</c> output.</summary>
/// <param name="Console">The console for tables, progress and messages.</param>
/// <param name="Out">The writer for machine-readable output.</param>
internal sealed record CliConsole(IAnsiConsole Console, TextWriter Out)
{
    public static CliConsole CreateDefault() => new(AnsiConsole.Console, System.Console.Out);
}
