using System.Text;

namespace PluginAI.Documents.Internal;

internal static class TextUtilities
{
    /// <summary>Replaces every run of white space with one space and trims the ends.</summary>
    public static string CollapseWhiteSpace(string text)
    {
        var span = text.AsSpan().Trim();
        var builder = new StringBuilder(span.Length);
        var pendingSpace = false;
        foreach (var c in span)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.Equals(text.AsSpan()) ? text : builder.ToString();
    }
}
