using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PluginAI.Runtime.Evaluation;

/// <summary>
/// Reads the questions of a retrieval evaluation from a TSV or JSON Lines file.
/// </summary>
/// <remarks>
/// <para>
/// TSV (any extension but <c>.jsonl</c> and <c>.ndjson</c>): one question a line, as
/// <c>question&lt;TAB&gt;sources[&lt;TAB&gt;section]</c>, several sources separated by <c>|</c>. Empty lines, lines
/// starting with <c>#</c> and a first line <c>question&lt;TAB&gt;...</c> are skipped.
/// </para>
/// <para>
/// JSON Lines (<c>.jsonl</c>, <c>.ndjson</c>): one object a line with <c>question</c>, <c>sources</c> (an array of
/// strings) or <c>source</c> (a string), and optionally <c>section</c>.
/// </para>
/// <para>
/// The file's size is checked against <see cref="MaxFileBytes"/> before it is read. Every error is an
/// <see cref="InvalidDataException"/> whose message names the file, the line and the field.
/// </para>
/// </remarks>
public static class RetrievalQuestionReader
{
    /// <summary>The largest question file read: 4 MiB, tens of thousands of questions.</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>Reads a question file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The questions, in file order; never empty.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is too large, empty or malformed.</exception>
    public static async Task<IReadOnlyList<RetrievalQuestion>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"{path}: the question file does not exist.", path);
        }

        if (file.Length > MaxFileBytes)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: the question file is {file.Length:N0} bytes; the limit is {MaxFileBytes:N0}."));
        }

        var text = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        var jsonLines = file.Extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase) || file.Extension.Equals(".ndjson", StringComparison.OrdinalIgnoreCase);
        return Parse(text, path, jsonLines);
    }

    /// <summary>Parses the text of a question file.</summary>
    /// <param name="text">The text.</param>
    /// <param name="name">The file name to use in error messages.</param>
    /// <param name="jsonLines"><see langword="true"/> for JSON Lines, <see langword="false"/> for TSV.</param>
    /// <returns>The questions, in order; never empty.</returns>
    /// <exception cref="InvalidDataException">The text is empty or malformed.</exception>
    public static IReadOnlyList<RetrievalQuestion> Parse(string text, string name, bool jsonLines)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(name);
        var questions = new List<RetrievalQuestion>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var number = i + 1;
            line = i == 0 ? line.TrimStart('\uFEFF') : line;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (jsonLines)
            {
                questions.Add(ParseJsonLine(line, name, number));
            }
            else if (!(questions.Count == 0 && line.StartsWith("question\t", StringComparison.OrdinalIgnoreCase)))
            {
                questions.Add(ParseTsvLine(line, name, number));
            }
        }

        if (questions.Count == 0)
        {
            throw new InvalidDataException($"{name}: the question file has no question.");
        }

        return questions;
    }

    private static RetrievalQuestion ParseTsvLine(string line, string name, int number)
    {
        var fields = line.Split('\t');
        if (fields.Length is < 2 or > 3)
        {
            throw Error(name, number, "line", $"has {fields.Length} tab-separated fields; expected question, sources and optionally section");
        }

        var question = fields[0].Trim();
        if (question.Length == 0)
        {
            throw Error(name, number, "question", "is empty");
        }

        var sources = fields[1].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (sources.Length == 0)
        {
            throw Error(name, number, "sources", "names no source");
        }

        var section = fields.Length == 3 && fields[2].Trim().Length > 0 ? fields[2].Trim() : null;
        return new RetrievalQuestion { Question = question, Sources = sources, Section = section, Line = number };
    }

    private static RetrievalQuestion ParseJsonLine(string line, string name, int number)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw Error(name, number, "line", $"is not valid JSON ({ex.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(name, number, "line", "is not a JSON object");
            }

            var question = String(root, "question", required: true, name, number)!.Trim();
            if (question.Length == 0)
            {
                throw Error(name, number, "question", "is empty");
            }

            var sources = new List<string>();
            if (root.TryGetProperty("sources", out var array))
            {
                if (array.ValueKind != JsonValueKind.Array)
                {
                    throw Error(name, number, "sources", "is not an array of strings");
                }

                foreach (var item in array.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                    {
                        throw Error(name, number, "sources", "holds something other than a non-empty string");
                    }

                    sources.Add(item.GetString()!.Trim());
                }
            }

            if (String(root, "source", required: false, name, number) is { } single && single.Trim().Length > 0)
            {
                sources.Add(single.Trim());
            }

            if (sources.Count == 0)
            {
                throw Error(name, number, "sources", "is missing: give \"sources\" (an array) or \"source\" (a string)");
            }

            var section = String(root, "section", required: false, name, number)?.Trim();
            return new RetrievalQuestion { Question = question, Sources = sources, Section = string.IsNullOrEmpty(section) ? null : section, Line = number };
        }
    }

    private static string? String(JsonElement root, string property, bool required, string name, int number)
    {
        if (!root.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw Error(name, number, property, "is missing") : null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Error(name, number, property, $"is a JSON {value.ValueKind.ToString().ToLowerInvariant()}, not a string");
    }

    private static InvalidDataException Error(string name, int line, string field, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{name}:{line}: field '{field}' {problem}."));
}
