using System.Text.Json;
using System.Text.Json.Serialization;
using PluginAI.Hardware;

namespace PluginAI.Host.Hardware;

/// <summary>JSON serialization of hardware profiles, in camelCase with enums as strings.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(HardwareProfile))]
internal sealed partial class HardwareJsonContext : JsonSerializerContext;
