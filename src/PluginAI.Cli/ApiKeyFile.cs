namespace PluginAI.Cli;

/// <summary>Reads API keys from a file, one a line, with a size limit checked before reading.</summary>
internal static class ApiKeyFile
{
    private const long MaxKeyFileBytes = 64 * 1024;

    public static IEnumerable<string> Read(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliException($"{file.FullName}: the API key file does not exist (--api-key-file)");
        }

        if (file.Length > MaxKeyFileBytes)
        {
            throw new CliException($"{file.FullName}: the API key file is {file.Length} bytes; expected at most {MaxKeyFileBytes} (one key a line)");
        }

        var keys = File.ReadAllLines(file.FullName).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        return keys.Count > 0 ? keys : throw new CliException($"{file.FullName}: the API key file holds no key; expected one key a line");
    }

    /// <summary>Keys from the repeatable option, a comma-separated environment variable and a key file, in that order.</summary>
    public static List<string> Collect(string[]? given, string variable, FileInfo? file) =>
        [.. (given ?? [])
            .Concat((Environment.GetEnvironmentVariable(variable) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Concat(file is null ? [] : Read(file))];
}
