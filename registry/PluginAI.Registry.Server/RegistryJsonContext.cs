namespace PluginAI.Registry.Server;

/// <summary>The JSON serialization metadata of the registry's stored documents.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<DependencyGroup>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<string>))]
internal sealed partial class RegistryJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
