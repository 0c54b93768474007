using System.Text.Json.Serialization;

namespace PluginAI.Registry.Server.Responses;

/// <summary>The JSON-LD <c>@context</c> of the service index.</summary>
internal sealed record ServiceIndexVocabulary(
    [property: JsonPropertyName("@vocab")] string Vocab,
    string Comment);
