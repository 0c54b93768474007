namespace PluginAI.Documents.Internal;

/// <summary>Finds paragraphs, sentences and words in text, as spans trimmed of surrounding white space.</summary>
internal static class Paragraphs
{
    /// <summary>Splits <c>text[start..end]</c> at blank lines (lines of nothing but white space).</summary>
    public static List<(int Start, int End)> Split(string text, int start, int end)
    {
        var result = new List<(int, int)>();
        var paragraphStart = -1;
        var lastContentEnd = -1;
        var lineStart = start;
        while (lineStart < end)
        {
            var newline = text.IndexOf('\n', lineStart, end - lineStart);
            var lineEnd = newline < 0 ? end : newline;
            var line = text.AsSpan(lineStart, lineEnd - lineStart);
            var content = line.TrimStart();
            if (content.IsWhiteSpace())
            {
                if (paragraphStart >= 0)
                {
                    result.Add((paragraphStart, lastContentEnd));
                    paragraphStart = -1;
                }
            }
            else
            {
                if (paragraphStart < 0)
                {
                    paragraphStart = lineStart + (line.Length - content.Length);
                }

                lastContentEnd = lineStart + line.TrimEnd().Length;
            }

            lineStart = lineEnd + 1;
        }

        if (paragraphStart >= 0)
        {
            result.Add((paragraphStart, lastContentEnd));
        }

        return result;
    }

    /// <summary>Splits <c>text[start..end]</c> after sentence-ending punctuation followed by white space, and at line breaks.</summary>
    public static List<(int Start, int End)> SplitSentences(string text, int start, int end)
    {
        var result = new List<(int, int)>();
        var sentenceStart = -1;
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (sentenceStart < 0)
            {
                if (!char.IsWhiteSpace(c))
                {
                    sentenceStart = i;
                }

                continue;
            }

            var boundary = c == '\n' || (char.IsWhiteSpace(c) && EndsSentence(text, sentenceStart, i));
            if (boundary)
            {
                result.Add((sentenceStart, TrimEnd(text, sentenceStart, i)));
                sentenceStart = -1;
            }
        }

        if (sentenceStart >= 0)
        {
            result.Add((sentenceStart, TrimEnd(text, sentenceStart, end)));
        }

        return result;
    }

    /// <summary>Splits <c>text[start..end]</c> at white space.</summary>
    public static List<(int Start, int End)> SplitWords(string text, int start, int end)
    {
        var result = new List<(int, int)>();
        var wordStart = -1;
        for (var i = start; i < end; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                if (wordStart >= 0)
                {
                    result.Add((wordStart, i));
                    wordStart = -1;
                }
            }
            else if (wordStart < 0)
            {
                wordStart = i;
            }
        }

        if (wordStart >= 0)
        {
            result.Add((wordStart, end));
        }

        return result;
    }

    /// <summary>Whether the text before <paramref name="position"/> ends a sentence: terminal punctuation, then optional closing quotes or brackets.</summary>
    private static bool EndsSentence(string text, int sentenceStart, int position)
    {
        var i = position - 1;
        while (i > sentenceStart && text[i] is '"' or '\'' or ')' or ']' or '»' or '”' or '’')
        {
            i--;
        }

        return text[i] is '.' or '!' or '?' or '…' or '。' or '！' or '？';
    }

    private static int TrimEnd(string text, int start, int end)
    {
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return end;
    }
}
