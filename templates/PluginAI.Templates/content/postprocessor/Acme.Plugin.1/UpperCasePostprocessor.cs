using System.Text;
using PluginAI.Processing;

namespace Acme.Plugin._1;

/// <summary>Upper-cases the answer while it streams, leaving code spans (<c>`like this`</c>) as they are.</summary>
/// <remarks>
/// Text outside code spans is released as soon as it arrives. An opened code span is held back until its closing
/// backtick arrives, because its text must keep its case; at the end of the stream everything held back is released.
/// <see cref="TextStreamPostprocessor"/> does the streaming: order, updates without text, cancellation.
/// </remarks>
public sealed class UpperCasePostprocessor : TextStreamPostprocessor
{
    /// <inheritdoc />
    public override PostprocessorMetadata Metadata { get; } = new("upper-case")
    {
        Order = 800,
        Description = "Upper-cases the answer, except code spans.",
    };

    /// <inheritdoc />
    protected override string Release(StringBuilder pending, PostprocessorContext context, bool final, ICollection<PostprocessorFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var text = pending.ToString();
        var ready = text.Length;
        if (!final && text.Count(c => c == '`') % 2 == 1)
        {
            // A code span is still open: release what comes before it and wait for the closing backtick.
            ready = text.LastIndexOf('`');
        }

        var output = new StringBuilder(ready);
        var inCode = false;
        for (var i = 0; i < ready; i++)
        {
            var c = text[i];
            if (c == '`')
            {
                inCode = !inCode;
            }

            output.Append(inCode || c == '`' ? c : char.ToUpperInvariant(c));
        }

        pending.Remove(0, ready);
        return output.ToString();
    }
}
