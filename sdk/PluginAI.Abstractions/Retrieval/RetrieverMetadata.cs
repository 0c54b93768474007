namespace PluginAI.Retrieval;

/// <summary>Describes a retriever.</summary>
/// <param name="Name">The retriever name, such as <c>sqlite</c>.</param>
public sealed record RetrieverMetadata(string Name)
{
    /// <summary>Gets the search modes the retriever supports.</summary>
    public IReadOnlyList<SearchMode> Modes { get; init; } = [SearchMode.Vector];
}
