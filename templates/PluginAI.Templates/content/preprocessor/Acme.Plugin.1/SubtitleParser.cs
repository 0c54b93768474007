using System.Text;
using System.Text.RegularExpressions;
using PluginAI;
using PluginAI.Processing;

namespace Acme.Plugin._1;

/// <summary>Reads SubRip cues: an optional number, a timing line, then text lines, with a blank line between cues.</summary>
internal static partial class SubtitleParser
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses the cues of a subtitle file into sections.</summary>
    /// <param name="content">The raw bytes of the file.</param>
    /// <param name="sourcePath">The file, for error messages.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>One section per cue, in file order.</returns>
    /// <exception cref="PluginException">The file is not valid UTF-8, or a cue has no timing line.</exception>
    public static IReadOnlyList<DocumentSection> Parse(ReadOnlySpan<byte> content, string sourcePath, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = s_strictUtf8.GetString(content).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException ex)
        {
            throw new PluginException($"{sourcePath} is not a subtitle file: it is not UTF-8 text.", ex) { FilePath = sourcePath, ErrorCode = "srt.not-text" };
        }

        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var sections = new List<DocumentSection>();
        var offset = 0;
        var i = 0;
        while (i < lines.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                i++;
                continue;
            }

            var cueLine = i + 1;
            if (int.TryParse(lines[i].Trim(), out _))
            {
                i++;
            }

            var timing = i < lines.Length ? Timing().Match(lines[i]) : Match.Empty;
            if (!timing.Success)
            {
                throw new PluginException($"{sourcePath}, line {cueLine}: a cue must start with a timing line such as '00:00:01,000 --> 00:00:04,000'.")
                {
                    FilePath = sourcePath,
                    ErrorCode = "srt.bad-cue",
                };
            }

            i++;
            var cue = new StringBuilder();
            for (; i < lines.Length && !string.IsNullOrWhiteSpace(lines[i]); i++)
            {
                cue.Append(cue.Length > 0 ? " " : string.Empty).Append(Markup().Replace(lines[i], string.Empty).Trim());
            }

            if (cue.Length == 0)
            {
                continue;
            }

            sections.Add(new DocumentSection { Text = cue.ToString(), Section = timing.Groups["start"].Value, StartOffset = offset });
            offset += cue.Length + 1;
        }

        return sections;
    }

    [GeneratedRegex(@"^\s*(?<start>\d{2}:\d{2}:\d{2})[,.]\d{3}\s*-->\s*\d{2}:\d{2}:\d{2}[,.]\d{3}")]
    private static partial Regex Timing();

    [GeneratedRegex(@"<[^>]+>|\{\\[^}]*\}")]
    private static partial Regex Markup();
}
