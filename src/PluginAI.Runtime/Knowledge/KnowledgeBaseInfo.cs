namespace PluginAI.Runtime.Knowledge;

/// <summary>What the host records about a knowledge base in its <c>kb.json</c>.</summary>
/// <param name="Name">The name.</param>
/// <param name="EmbeddingModel">The model name or path the host loads to embed for it.</param>
/// <param name="EmbeddingModelId">The id the model reported; the store refuses vectors from another model.</param>
/// <param name="Dimensions">The embedding dimension.</param>
/// <param name="Retriever">The retriever that stores it.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Folders">The folders ingested into it.</param>
public sealed record KnowledgeBaseInfo(string Name, string EmbeddingModel, string EmbeddingModelId, int Dimensions, string Retriever, DateTimeOffset CreatedAt, IReadOnlyList<string> Folders);
