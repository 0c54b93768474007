using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>Writes a <see cref="RawJson"/> value as it is, so stored documents reach clients byte for byte.</summary>
internal sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(document.RootElement.GetRawText());
    }

    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) => writer.WriteRawValue(value.Json);
}
