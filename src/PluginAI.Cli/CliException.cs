namespace PluginAI.Cli;

/// <summary>A user error the command reports in one line and exits with status 1.</summary>
internal sealed class CliException(string message) : Exception(message);
