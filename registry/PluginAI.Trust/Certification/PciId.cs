using System.Globalization;

namespace PluginAI.Trust.Certification;

/// <summary>PCI ids in the <c>vendor:device</c> notation the hardware probe uses (<c>10de:2335</c>).</summary>
public static class PciId
{
    /// <summary>Normalises a PCI id to four lower-case hex digits on each side of the colon.</summary>
    /// <param name="text">An id such as <c>10de:2335</c>, <c>10DE:2335</c> or <c>0x10de:0x2335</c>.</param>
    /// <returns>The id as <c>10de:2335</c>, or <see langword="null"/> when the text is not a PCI id.</returns>
    public static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Trim().Split(':');
        if (parts.Length != 2)
        {
            return null;
        }

        var vendor = Hex(parts[0]);
        var device = Hex(parts[1]);
        return vendor is null || device is null ? null : $"{vendor}:{device}";
    }

    /// <summary>Compares two PCI ids in any of the accepted notations.</summary>
    /// <param name="left">One id.</param>
    /// <param name="right">The other id.</param>
    /// <returns>Whether both are PCI ids and name the same device.</returns>
    public static bool AreEqual(string? left, string? right) =>
        Normalize(left) is { } l && Normalize(right) is { } r && string.Equals(l, r, StringComparison.Ordinal);

    private static string? Hex(string part)
    {
        var p = part.Trim();
        if (p.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            p = p[2..];
        }

        return p.Length is >= 1 and <= 4 && ushort.TryParse(p, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value.ToString("x4", CultureInfo.InvariantCulture)
            : null;
    }
}
