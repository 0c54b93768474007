using System.Text;
using Microsoft.Extensions.Logging;
using PluginAI.Processing;

namespace PluginAI.Documents.Internal;

/// <summary>Reads CSV and TSV (RFC 4180 quoting): the first row names the columns, every other row becomes a section <c>name: value; ...</c>.</summary>
/// <remarks>
/// Repeating the column names in every row makes each row, and so each chunk, understandable on its own; empty values
/// are left out. The separator of <c>text/csv</c> is the one of comma, semicolon and tab that occurs most often in the
/// first line; <c>text/tab-separated-values</c> always uses tab. Columns without a name are called <c>column N</c>.
/// </remarks>
internal sealed class CsvParser(ILogger logger) : DocumentParser
{
    public override PreprocessorMetadata Metadata { get; } = new("csv")
    {
        Order = 100,
        MediaTypes = [DocumentMediaTypes.Csv, DocumentMediaTypes.Tsv],
        Extensions = [".csv", ".tsv", ".tab"],
    };

    protected override string FormatName => "CSV";

    protected override DocumentContent Parse(DocumentContent document, CancellationToken cancellationToken)
    {
        var text = TextDecoder.Decode(document, logger);
        var separator = DocumentMediaTypes.Matches(document.MediaType, DocumentMediaTypes.Tsv) ? '\t' : DetectSeparator(text);
        var sections = new SectionWriter();
        var line = new StringBuilder();
        string[]? header = null;
        var rows = 0;
        foreach (var record in ReadRecords(text, separator))
        {
            if ((++rows & 0x3FF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (header is null)
            {
                header = [.. record.Select((name, i) => string.IsNullOrWhiteSpace(name) ? $"column {i + 1}" : name.Trim())];
                continue;
            }

            line.Clear();
            for (var i = 0; i < record.Count; i++)
            {
                var value = record[i].Trim();
                if (value.Length == 0)
                {
                    continue;
                }

                if (line.Length > 0)
                {
                    line.Append("; ");
                }

                line.Append(i < header.Length ? header[i] : $"column {i + 1}").Append(": ").Append(value);
            }

            sections.Add(line.ToString());
        }

        if (rows == 1 && header is not null)
        {
            // A file with a header only still says something: which columns it has.
            sections.Add(string.Join("; ", header));
        }

        return document with { Sections = sections.ToSections() };
    }

    private static char DetectSeparator(string text)
    {
        var firstLine = text.AsSpan(0, text.IndexOf('\n') is var n and >= 0 ? n : text.Length);
        int commas = firstLine.Count(','), semicolons = firstLine.Count(';'), tabs = firstLine.Count('\t');
        return tabs > commas && tabs >= semicolons ? '\t' : semicolons > commas ? ';' : ',';
    }

    /// <summary>Yields records; quoted fields may hold separators, doubled quotes and line breaks. Blank lines are skipped.</summary>
    internal static IEnumerable<List<string>> ReadRecords(string text, char separator)
    {
        var field = new StringBuilder();
        var record = new List<string>();
        var quoted = false;
        var fieldWasQuoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }

                continue;
            }

            if (c == '"' && field.Length == 0 && !fieldWasQuoted)
            {
                quoted = true;
                fieldWasQuoted = true;
            }
            else if (c == separator)
            {
                record.Add(field.ToString());
                field.Clear();
                fieldWasQuoted = false;
            }
            else if (c == '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                fieldWasQuoted = false;
                if (record.Count > 1 || record[0].Length > 0)
                {
                    yield return record;
                }

                record = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}
