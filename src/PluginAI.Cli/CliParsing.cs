using System.Globalization;

namespace PluginAI.Cli;

/// <summary>How command-line values shared by several commands are read.</summary>
internal static class CliParsing
{
    /// <summary>Reads a date option: <c>yyyy-MM-dd</c> (UTC) or an ISO 8601 date and time.</summary>
    /// <param name="text">The option's value, or <see langword="null"/>.</param>
    /// <param name="option">The option's name, for the error.</param>
    /// <param name="endOfDay">Whether a bare date means the end of that day (an expiry, the end of a period) rather than its start.</param>
    /// <returns>The instant, or <see langword="null"/> when no value was given.</returns>
    public static DateTimeOffset? Date(string? text, string option, bool endOfDay)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day))
        {
            return endOfDay ? day.AddDays(1).AddSeconds(-1) : day;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant
            : throw new CliException($"{option} '{text}' is not a date; use yyyy-MM-dd or an ISO 8601 date and time");
    }

    /// <summary>Splits a plugin argument such as <c>Acme.Upper@1.2.0</c> or <c>Acme.Upper@[1.0,2.0)</c>.</summary>
    /// <param name="text">The argument.</param>
    /// <returns>The id, and the version or range after <c>@</c> if any.</returns>
    public static (string Id, string? Versions) PluginSpec(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? (text, null) : (text[..at], text[(at + 1)..]);
    }
}
