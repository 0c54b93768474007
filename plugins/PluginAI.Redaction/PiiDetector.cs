using System.Text.RegularExpressions;

namespace PluginAI.Redaction;

/// <summary>Finds personal data in text. Candidates found by pattern are confirmed by checksum where one exists.</summary>
internal static partial class PiiDetector
{
    /// <summary>The longest match the detector can produce, which bounds how much text a stream must hold back.</summary>
    public const int MaxMatchLength = 96;

    public static string Placeholder(PiiKind kind) => kind switch
    {
        PiiKind.Email => "[EMAIL]",
        PiiKind.Iban => "[IBAN]",
        PiiKind.Card => "[CARD]",
        _ => "[PHONE]",
    };

    /// <summary>Returns non-overlapping matches in text order; where candidates overlap, the earlier kind in <see cref="PiiKind"/> wins.</summary>
    public static List<(int Start, int Length, PiiKind Kind)> Find(string text)
    {
        var candidates = new List<(int Start, int Length, PiiKind Kind)>();
        foreach (Match m in Email().Matches(text))
        {
            candidates.Add((m.Index, m.Length, PiiKind.Email));
        }

        foreach (Match m in Iban().Matches(text))
        {
            if (IsValidIban(m.Value))
            {
                candidates.Add((m.Index, m.Length, PiiKind.Iban));
            }
        }

        foreach (Match m in Card().Matches(text))
        {
            if (IsValidCard(m.Value))
            {
                candidates.Add((m.Index, m.Length, PiiKind.Card));
            }
        }

        foreach (Match m in Phone().Matches(text))
        {
            var digits = m.Value.Count(char.IsAsciiDigit);
            if (digits is >= 7 and <= 15)
            {
                candidates.Add((m.Index, m.Length, PiiKind.Phone));
            }
        }

        candidates.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Kind.CompareTo(b.Kind));
        var result = new List<(int Start, int Length, PiiKind Kind)>();
        foreach (var candidate in candidates)
        {
            if (result.Count > 0 && candidate.Start < result[^1].Start + result[^1].Length)
            {
                var last = result[^1];
                if (candidate.Kind < last.Kind)
                {
                    result[^1] = candidate;
                }

                continue;
            }

            result.Add(candidate);
        }

        return result;
    }

    public static bool IsValidCard(string candidate)
    {
        var digits = candidate.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
        if (digits.Length is < 13 or > 19)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    public static bool IsValidIban(string candidate)
    {
        var iban = string.Concat(candidate.Where(c => c != ' ')).ToUpperInvariant();
        if (iban.Length is < 15 or > 34)
        {
            return false;
        }

        // ISO 13616: move the first four characters to the end, letters become 10..35, the number mod 97 is 1.
        var rearranged = iban[4..] + iban[..4];
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetterUpper(c) ? c - 'A' + 10 : -1;
            if (value < 0)
            {
                return false;
            }

            remainder = value >= 10 ? ((remainder * 100) + value) % 97 : ((remainder * 10) + value) % 97;
        }

        return remainder == 1;
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(@"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Iban();

    [GeneratedRegex(@"(?<![\w-])[0-9](?:[ -]?[0-9]){12,18}(?![\w-])", RegexOptions.CultureInvariant)]
    private static partial Regex Card();

    [GeneratedRegex(@"(?<![\w+])(?:\+[0-9]{1,3}[ .\-]?(?:\([0-9]{1,4}\)[ .\-]?)?[0-9]{1,4}(?:[ .\-]?[0-9]{2,4}){1,4}|\([0-9]{2,4}\)[ .\-]?[0-9]{3,4}[ .\-]?[0-9]{3,4}|0[0-9]{2,4}[ /.\-]?[0-9]{3,8}(?:[ .\-]?[0-9]{2,4})?|[0-9]{3}[.\-][0-9]{3}[.\-][0-9]{4})(?![\w])", RegexOptions.CultureInvariant)]
    private static partial Regex Phone();
}
