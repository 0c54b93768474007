using System.Text.Json;

namespace PluginAI;

/// <summary>
/// JSON for the data that flows through the four contracts: documents, sections, chunks, retrieval queries, passages,
/// prompt and postprocessor contexts and findings. The metadata is source-generated, so this data crosses a process
/// or machine boundary (a worker process, a cluster node) without reflection. Property names are camelCase; enums are
/// written as strings; byte content is base64.
/// </summary>
public static class PluginAIJson
{
    /// <summary>Gets the options to serialise contract data with; read-only.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(PluginAIJsonContext.Default.Options);
        options.MakeReadOnly();
        return options;
    }
}
