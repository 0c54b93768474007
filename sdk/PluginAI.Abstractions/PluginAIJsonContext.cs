using System.Text.Json;
using System.Text.Json.Serialization;
using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI;

/// <summary>The source-generated metadata behind <see cref="PluginAIJson"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(DocumentContent))]
[JsonSerializable(typeof(DocumentSection))]
[JsonSerializable(typeof(DocumentChunk))]
[JsonSerializable(typeof(RetrievalQuery))]
[JsonSerializable(typeof(RetrievedPassage))]
[JsonSerializable(typeof(KnowledgeDocumentInfo))]
[JsonSerializable(typeof(PromptContext))]
[JsonSerializable(typeof(PostprocessorContext))]
[JsonSerializable(typeof(PostprocessorFinding))]
internal sealed partial class PluginAIJsonContext : JsonSerializerContext;
