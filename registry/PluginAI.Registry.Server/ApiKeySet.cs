using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace PluginAI.Registry.Server;

/// <summary>The configured API keys, compared in constant time.</summary>
internal sealed class ApiKeySet(IEnumerable<string> keys)
{
    private readonly byte[][] _hashes = [.. keys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(Hash)];

    public bool IsEmpty => _hashes.Length == 0;

    public bool Matches(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var hash = Hash(presented);
        var found = false;
        foreach (var candidate in _hashes)
        {
            found |= CryptographicOperations.FixedTimeEquals(hash, candidate);
        }

        return found;
    }

    /// <summary>The password of an HTTP Basic authorization header, or null.</summary>
    public static string? BasicPassword(string? authorization)
    {
        if (authorization is null || !AuthenticationHeaderValue.TryParse(authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : text[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
