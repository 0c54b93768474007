namespace PluginAI;

/// <summary>The four kinds of work a plugin can do.</summary>
public enum PluginKind
{
    /// <summary>Loads models and generates text or embeddings (<c>"backend"</c> in the manifest).</summary>
    Backend,

    /// <summary>Turns documents and prompts into something the pipeline can use (<c>"preprocessor"</c>).</summary>
    Preprocessor,

    /// <summary>Transforms or checks generated output while it streams (<c>"postprocessor"</c>).</summary>
    Postprocessor,

    /// <summary>Stores and searches a knowledge base (<c>"retriever"</c>).</summary>
    Retriever,
}
