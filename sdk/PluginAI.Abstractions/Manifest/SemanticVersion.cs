using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PluginAI.Manifest;

/// <summary>A semantic version: <c>major.minor.patch</c> with an optional <c>-prerelease</c> and <c>+build</c> suffix.</summary>
/// <remarks>Missing minor and patch parts read as zero, so <c>1.2</c> equals <c>1.2.0</c>. Build metadata is kept but ignored in comparisons.</remarks>
public sealed class SemanticVersion : IComparable<SemanticVersion>, IEquatable<SemanticVersion>
{
    /// <summary>Initializes a new instance of the <see cref="SemanticVersion"/> class.</summary>
    /// <param name="major">The major version.</param>
    /// <param name="minor">The minor version.</param>
    /// <param name="patch">The patch version.</param>
    /// <param name="prerelease">The prerelease label without the leading dash, or <see langword="null"/>.</param>
    /// <param name="build">The build metadata without the leading plus, or <see langword="null"/>.</param>
    public SemanticVersion(int major, int minor = 0, int patch = 0, string? prerelease = null, string? build = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(major);
        ArgumentOutOfRangeException.ThrowIfNegative(minor);
        ArgumentOutOfRangeException.ThrowIfNegative(patch);
        Major = major;
        Minor = minor;
        Patch = patch;
        Prerelease = string.IsNullOrEmpty(prerelease) ? null : prerelease;
        Build = string.IsNullOrEmpty(build) ? null : build;
    }

    /// <summary>Gets the major version.</summary>
    public int Major { get; }

    /// <summary>Gets the minor version.</summary>
    public int Minor { get; }

    /// <summary>Gets the patch version.</summary>
    public int Patch { get; }

    /// <summary>Gets the prerelease label, or <see langword="null"/> for a release.</summary>
    public string? Prerelease { get; }

    /// <summary>Gets the build metadata, or <see langword="null"/>.</summary>
    public string? Build { get; }

    /// <summary>Gets a value indicating whether this is a prerelease.</summary>
    public bool IsPrerelease => Prerelease is not null;

    /// <summary>Parses a version.</summary>
    /// <param name="text">The text, such as <c>1.2.3-beta.1</c>.</param>
    /// <returns>The version.</returns>
    /// <exception cref="FormatException">The text is not a semantic version.</exception>
    public static SemanticVersion Parse(string text) =>
        TryParse(text, out var version)
            ? version
            : throw new FormatException($"'{text}' is not a version; expected major.minor.patch such as 1.2.0, optionally with -prerelease.");

    /// <summary>Tries to parse a version.</summary>
    /// <param name="text">The text, such as <c>1.2.3-beta.1</c>.</param>
    /// <param name="version">The version, when the text is valid.</param>
    /// <returns><see langword="true"/> when the text is a valid version.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out SemanticVersion? version)
    {
        version = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        string? build = null;
        var plus = span.IndexOf('+');
        if (plus >= 0)
        {
            build = span[(plus + 1)..].ToString();
            if (!IsValidLabel(build))
            {
                return false;
            }

            span = span[..plus];
        }

        string? prerelease = null;
        var dash = span.IndexOf('-');
        if (dash >= 0)
        {
            prerelease = span[(dash + 1)..].ToString();
            if (!IsValidLabel(prerelease))
            {
                return false;
            }

            span = span[..dash];
        }

        Span<int> parts = stackalloc int[3];
        var count = 0;
        foreach (var range in span.Split('.'))
        {
            if (count == 3 || !int.TryParse(span[range], NumberStyles.None, CultureInfo.InvariantCulture, out parts[count]))
            {
                return false;
            }

            count++;
        }

        if (count == 0)
        {
            return false;
        }

        version = new SemanticVersion(parts[0], count > 1 ? parts[1] : 0, count > 2 ? parts[2] : 0, prerelease, build);
        return true;
    }

    /// <inheritdoc />
    public int CompareTo(SemanticVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Major.CompareTo(other.Major);
        if (c == 0)
        {
            c = Minor.CompareTo(other.Minor);
        }

        if (c == 0)
        {
            c = Patch.CompareTo(other.Patch);
        }

        return c != 0 ? c : ComparePrerelease(Prerelease, other.Prerelease);
    }

    /// <inheritdoc />
    public bool Equals(SemanticVersion? other) => CompareTo(other) == 0;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SemanticVersion other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Major, Minor, Patch, Prerelease?.ToUpperInvariant());

    /// <inheritdoc />
    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}");
        if (Prerelease is not null)
        {
            text += "-" + Prerelease;
        }

        return Build is null ? text : text + "+" + Build;
    }

    /// <summary>Compares two versions.</summary>
    /// <param name="left">The left version.</param>
    /// <param name="right">The right version.</param>
    /// <returns>Whether left is lower.</returns>
    public static bool operator <(SemanticVersion? left, SemanticVersion? right) => Compare(left, right) < 0;

    /// <summary>Compares two versions.</summary>
    /// <param name="left">The left version.</param>
    /// <param name="right">The right version.</param>
    /// <returns>Whether left is higher.</returns>
    public static bool operator >(SemanticVersion? left, SemanticVersion? right) => Compare(left, right) > 0;

    /// <summary>Compares two versions.</summary>
    /// <param name="left">The left version.</param>
    /// <param name="right">The right version.</param>
    /// <returns>Whether left is lower or equal.</returns>
    public static bool operator <=(SemanticVersion? left, SemanticVersion? right) => Compare(left, right) <= 0;

    /// <summary>Compares two versions.</summary>
    /// <param name="left">The left version.</param>
    /// <param name="right">The right version.</param>
    /// <returns>Whether left is higher or equal.</returns>
    public static bool operator >=(SemanticVersion? left, SemanticVersion? right) => Compare(left, right) >= 0;

    /// <summary>Compares two versions for equality.</summary>
    /// <param name="left">The left version.</param>
    /// <param name="right">The right version.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(SemanticVersion? left, SemanticVersion? right) => Compare(left, right) == 0;

    /// <summary>Compares two versions for inequality.</summary>
    /// <param name="left">The left version.</param>
    /// <param name="right">The right version.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(SemanticVersion? left, SemanticVersion? right) => Compare(left, right) != 0;

    private static int Compare(SemanticVersion? left, SemanticVersion? right) =>
        left is null ? (right is null ? 0 : -1) : left.CompareTo(right);

    private static bool IsValidLabel(string label) =>
        label.Length > 0 && label.Split('.').All(p => p.Length > 0 && p.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-'));

    private static int ComparePrerelease(string? left, string? right)
    {
        if (left is null || right is null)
        {
            // A release sorts after any of its prereleases.
            return left is null ? (right is null ? 0 : 1) : -1;
        }

        var l = left.Split('.');
        var r = right.Split('.');
        for (var i = 0; i < Math.Min(l.Length, r.Length); i++)
        {
            var lNumeric = int.TryParse(l[i], NumberStyles.None, CultureInfo.InvariantCulture, out var ln);
            var rNumeric = int.TryParse(r[i], NumberStyles.None, CultureInfo.InvariantCulture, out var rn);
            var c = (lNumeric, rNumeric) switch
            {
                (true, true) => ln.CompareTo(rn),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(l[i].ToUpperInvariant(), r[i].ToUpperInvariant()),
            };
            if (c != 0)
            {
                return c;
            }
        }

        return l.Length.CompareTo(r.Length);
    }
}
