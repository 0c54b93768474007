using System.Text;
using PluginAI.Processing;

namespace PluginAI.Redaction;

/// <summary>Replaces personal data in a streamed answer with placeholders such as <c>[EMAIL]</c>.</summary>
/// <remarks>
/// Personal data can arrive split across updates ("alice@" then "example.com"), so the redactor holds back the last
/// <see cref="PiiDetector.MaxMatchLength"/> characters, and any match that reaches into them, until more text arrives or
/// the stream ends. Text order is kept; updates without text pass through at once. Stateless between streams.
/// </remarks>
internal sealed class RedactionPostprocessor : TextStreamPostprocessor
{
    private const string Name = "pii-redaction";

    public override PostprocessorMetadata Metadata { get; } = new(Name)
    {
        Order = 900,
        Description = "Redacts e-mail addresses, phone numbers, IBANs and payment card numbers.",
    };

    protected override string Release(StringBuilder pending, PostprocessorContext context, bool final, ICollection<PostprocessorFinding> findings) => Flush(pending, final, findings);

    /// <summary>Redacts and removes from <paramref name="pending"/> the text that later updates can no longer change.</summary>
    internal static string Flush(StringBuilder pending, bool final, ICollection<PostprocessorFinding> findings)
    {
        var text = pending.ToString();
        var matches = PiiDetector.Find(text);
        var cut = final ? text.Length : Math.Max(0, text.Length - PiiDetector.MaxMatchLength);
        foreach (var (start, length, _) in matches)
        {
            if (start < cut && start + length > cut - (final ? 0 : 1))
            {
                // A match touching the cut might still grow with the next update: keep it back whole.
                cut = start;
                break;
            }
        }

        if (cut == 0)
        {
            return string.Empty;
        }

        var output = new StringBuilder(cut);
        var position = 0;
        foreach (var (start, length, kind) in matches)
        {
            if (start + length > cut)
            {
                break;
            }

            output.Append(text, position, start - position).Append(PiiDetector.Placeholder(kind));
            position = start + length;
            findings.Add(new PostprocessorFinding(Name, $"pii.{kind.ToString().ToLowerInvariant()}", $"redacted {Describe(kind)}"));
        }

        output.Append(text, position, cut - position);
        pending.Remove(0, cut);
        return output.ToString();
    }

    private static string Describe(PiiKind kind) => kind switch
    {
        PiiKind.Email => "an e-mail address",
        PiiKind.Iban => "an IBAN",
        PiiKind.Card => "a payment card number",
        _ => "a phone number",
    };
}
