using System.Diagnostics.CodeAnalysis;

namespace PluginAI.Manifest;

/// <summary>A range of versions in NuGet's interval notation.</summary>
/// <remarks>
/// <c>1.0</c> means 1.0 or higher; <c>[1.0,2.0)</c> means at least 1.0 and below 2.0; <c>(,2.0]</c> means at most 2.0;
/// <c>[1.2.3]</c> means exactly 1.2.3.
/// </remarks>
public sealed class VersionRange
{
    private readonly string _text;

    private VersionRange(SemanticVersion? minimum, bool includeMinimum, SemanticVersion? maximum, bool includeMaximum, string text)
    {
        Minimum = minimum;
        IncludeMinimum = includeMinimum;
        Maximum = maximum;
        IncludeMaximum = includeMaximum;
        _text = text;
    }

    /// <summary>Gets the lower bound, or <see langword="null"/> when unbounded.</summary>
    public SemanticVersion? Minimum { get; }

    /// <summary>Gets a value indicating whether the lower bound is part of the range.</summary>
    public bool IncludeMinimum { get; }

    /// <summary>Gets the upper bound, or <see langword="null"/> when unbounded.</summary>
    public SemanticVersion? Maximum { get; }

    /// <summary>Gets a value indicating whether the upper bound is part of the range.</summary>
    public bool IncludeMaximum { get; }

    /// <summary>Parses a range.</summary>
    /// <param name="text">The range, such as <c>[1.0,2.0)</c>.</param>
    /// <returns>The range.</returns>
    /// <exception cref="FormatException">The text is not a version range.</exception>
    public static VersionRange Parse(string text) =>
        TryParse(text, out var range, out var error) ? range : throw new FormatException(error);

    /// <summary>Tries to parse a range.</summary>
    /// <param name="text">The range, such as <c>[1.0,2.0)</c>.</param>
    /// <param name="range">The range, when the text is valid.</param>
    /// <param name="error">Why the text is not a range, when it is not.</param>
    /// <returns><see langword="true"/> when the text is a valid range.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out VersionRange? range, [NotNullWhen(false)] out string? error)
    {
        range = null;
        const string Expected = "expected a version such as 1.0 (that version or later) or an interval such as [1.0,2.0)";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"the range is empty; {Expected}";
            return false;
        }

        var t = text.Trim();
        if (t[0] != '[' && t[0] != '(')
        {
            if (!SemanticVersion.TryParse(t, out var minimum))
            {
                error = $"'{t}' is not a version range; {Expected}";
                return false;
            }

            range = new VersionRange(minimum, true, null, false, t);
            error = null;
            return true;
        }

        var last = t[^1];
        if (t.Length < 3 || (last != ']' && last != ')'))
        {
            error = $"'{t}' is not a version range: an interval must end with ']' or ')'; {Expected}";
            return false;
        }

        var includeMin = t[0] == '[';
        var includeMax = last == ']';
        var body = t[1..^1];
        var comma = body.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            if (!includeMin || !includeMax || !SemanticVersion.TryParse(body, out var exact))
            {
                error = $"'{t}' is not a version range: an exact version is written [1.2.3]; {Expected}";
                return false;
            }

            range = new VersionRange(exact, true, exact, true, t);
            error = null;
            return true;
        }

        SemanticVersion? min = null, max = null;
        var minText = body[..comma].Trim();
        var maxText = body[(comma + 1)..].Trim();
        if ((minText.Length > 0 && !SemanticVersion.TryParse(minText, out min)) || (maxText.Length > 0 && !SemanticVersion.TryParse(maxText, out max)))
        {
            error = $"'{t}' is not a version range: a bound is not a version; {Expected}";
            return false;
        }

        if (min is null && max is null)
        {
            error = $"'{t}' is not a version range: it has no bounds; {Expected}";
            return false;
        }

        if (min is not null && max is not null && (min > max || (min == max && !(includeMin && includeMax))))
        {
            error = $"'{t}' is an empty version range: the lower bound is not below the upper bound";
            return false;
        }

        range = new VersionRange(min, includeMin && min is not null, max, includeMax && max is not null, t);
        error = null;
        return true;
    }

    /// <summary>Returns whether a version lies in the range.</summary>
    /// <param name="version">The version.</param>
    /// <returns><see langword="true"/> when the version satisfies the range.</returns>
    public bool Contains(SemanticVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (Minimum is not null && (IncludeMinimum ? version < Minimum : version <= Minimum))
        {
            return false;
        }

        return Maximum is null || (IncludeMaximum ? version <= Maximum : version < Maximum);
    }

    /// <inheritdoc />
    public override string ToString() => _text;
}
