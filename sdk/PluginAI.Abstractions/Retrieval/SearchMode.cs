namespace PluginAI.Retrieval;

/// <summary>How a knowledge base ranks passages.</summary>
public enum SearchMode
{
    /// <summary>Vector and keyword ranks fused.</summary>
    Hybrid,

    /// <summary>Embedding similarity only.</summary>
    Vector,

    /// <summary>Keyword relevance (BM25) only.</summary>
    Keyword,
}
