using System.Text.Encodings.Web;
using System.Text.Json;

namespace PluginAI.Trust;

/// <summary>JSON settings shared by trust documents.</summary>
internal static class TrustJson
{
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
