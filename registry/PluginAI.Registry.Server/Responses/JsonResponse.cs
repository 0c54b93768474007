using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PluginAI.Registry.Server.Responses;

/// <summary>Creates 200 answers holding a typed response serialised through <see cref="RegistryResponseJsonContext"/>.</summary>
internal static class JsonResponse
{
    /// <summary>The content type of every JSON answer, without a charset, as the feed has always sent it.</summary>
    public const string ContentType = "application/json";

    public static BytesResponse Create<T>(T value, JsonTypeInfo<T> typeInfo) =>
        new(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), ContentType);
}
