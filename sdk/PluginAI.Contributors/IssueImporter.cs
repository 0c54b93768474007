using System.Globalization;
using System.Text.Json;
using PluginAI.Retrieval;

namespace PluginAI.Contributors;

/// <summary>
/// Reads issues from a JSON export shaped like GitHub's issues API (an array of objects with <c>user.login</c> and
/// <c>created_at</c>; objects with a <c>pull_request</c> field are pull requests and are skipped) or from a CSV file
/// with the columns <c>login,created_at</c>, and credits them to contributors.
/// </summary>
public static class IssueImporter
{
    /// <summary>Reads an issues file; a <c>.csv</c> extension selects CSV, anything else JSON.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The issues, pull requests left out.</returns>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the file and the item or line.</exception>
    public static IReadOnlyList<ImportedIssue> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"issues file '{path}' does not exist", path);
        }

        if (string.Equals(Path.GetExtension(path), ".csv", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = File.OpenText(path);
            return ReadCsv(reader, path);
        }

        return ReadJson(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads the JSON export format.</summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <param name="source">The file name, for error messages.</param>
    /// <returns>The issues, pull requests left out.</returns>
    /// <exception cref="InvalidDataException">The JSON is malformed.</exception>
    public static IReadOnlyList<ImportedIssue> ReadJson(ReadOnlyMemory<byte> utf8Json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"issues file '{source}' is not valid JSON (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"issues file '{source}' must hold a JSON array of issues");
            }

            var issues = new List<ImportedIssue>();
            var index = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"issues file '{source}', item {index}: expected an object");
                }

                if (item.TryGetProperty("pull_request", out var pr) && pr.ValueKind != JsonValueKind.Null)
                {
                    index++;
                    continue;
                }

                if (!item.TryGetProperty("user", out var user) || user.ValueKind != JsonValueKind.Object ||
                    !user.TryGetProperty("login", out var login) || login.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(login.GetString()))
                {
                    throw new InvalidDataException($"issues file '{source}', item {index}: missing user.login");
                }

                if (!item.TryGetProperty("created_at", out var created) || created.ValueKind != JsonValueKind.String ||
                    !TryParseDate(created.GetString(), out var createdAt))
                {
                    throw new InvalidDataException($"issues file '{source}', item {index}: missing or invalid created_at");
                }

                issues.Add(new ImportedIssue(login.GetString()!, createdAt));
                index++;
            }

            return issues;
        }
    }

    /// <summary>Reads the CSV format: <c>login,created_at</c> per line, with an optional header line.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">The file name, for error messages.</param>
    /// <returns>The issues.</returns>
    /// <exception cref="InvalidDataException">A line is malformed.</exception>
    public static IReadOnlyList<ImportedIssue> ReadCsv(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var issues = new List<ImportedIssue>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var fields = line.Split(',');
            if (number == 1 && fields[0].Trim().Equals("login", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (fields.Length != 2 || fields[0].Trim().Length == 0)
            {
                throw new InvalidDataException($"issues file '{source}', line {number}: expected 'login,created_at'");
            }

            if (!TryParseDate(fields[1].Trim(), out var createdAt))
            {
                throw new InvalidDataException($"issues file '{source}', line {number}: '{fields[1].Trim()}' is not a date");
            }

            issues.Add(new ImportedIssue(fields[0].Trim(), createdAt));
        }

        return issues;
    }

    /// <summary>
    /// Counts the issues opened in the period per contributor. A login is matched to a git contributor whose name or
    /// e-mail local part equals it (ignoring case; GitHub's <c>123+login@users.noreply.github.com</c> is understood);
    /// logins that match nobody become contributors with issues only. Bots are left out.
    /// </summary>
    /// <param name="contributors">The contributors read from git.</param>
    /// <param name="issues">The imported issues.</param>
    /// <param name="options">The period and bot patterns.</param>
    /// <returns>The contributors with <see cref="ContributorStatistics.Issues"/> set, issues-only contributors last.</returns>
    public static IReadOnlyList<ContributorStatistics> AddIssues(IReadOnlyList<ContributorStatistics> contributors, IEnumerable<ImportedIssue> issues, ContributorStatisticsOptions options)
    {
        ArgumentNullException.ThrowIfNull(contributors);
        ArgumentNullException.ThrowIfNull(issues);
        ArgumentNullException.ThrowIfNull(options);
        var bots = PathGlob.ParseAny(options.BotPatterns);
        var counts = issues.Where(i => options.InPeriod(i.CreatedAt) && !bots.IsMatch(i.Login))
            .GroupBy(i => i.Login, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);

        var result = new List<ContributorStatistics>(contributors.Count + counts.Count);
        foreach (var contributor in contributors)
        {
            var issuesOpened = 0;
            foreach (var alias in Aliases(contributor).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (counts.Remove(alias, out var n))
                {
                    issuesOpened += n;
                }
            }

            result.Add(contributor with { Issues = contributor.Issues + issuesOpened });
        }

        foreach (var (login, n) in counts.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            result.Add(new ContributorStatistics { Id = login, Name = login, Issues = n });
        }

        return result;
    }

    private static IEnumerable<string> Aliases(ContributorStatistics contributor)
    {
        yield return contributor.Name;
        yield return contributor.Id;
        var at = contributor.Id.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            var local = contributor.Id[..at];
            yield return local;
            var plus = local.IndexOf('+', StringComparison.Ordinal);
            if (plus > 0 && contributor.Id.EndsWith("@users.noreply.github.com", StringComparison.OrdinalIgnoreCase))
            {
                yield return local[(plus + 1)..];
            }
        }
    }

    private static bool TryParseDate(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
}
