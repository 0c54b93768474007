using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>A JSON value written exactly as stored, such as a manifest's requirements or a signed envelope.</summary>
/// <param name="Json">The JSON text.</param>
[JsonConverter(typeof(RawJsonConverter))]
internal readonly record struct RawJson(string Json);
