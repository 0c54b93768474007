using PluginAI.Retrieval;
using PluginAI.Runtime.Knowledge;

namespace PluginAI.Runtime.Evaluation;

/// <summary>An evaluation of retrieval quality, as plain data.</summary>
public sealed record RetrievalEvaluationRequest
{
    /// <summary>Gets the knowledge base.</summary>
    public string KnowledgeBase { get; init; } = KnowledgeBaseService.DefaultName;

    /// <summary>Gets the questions; see <see cref="RetrievalQuestionReader"/> to read them from a file.</summary>
    public required IReadOnlyList<RetrievalQuestion> Questions { get; init; }

    /// <summary>Gets the search modes to score, in order.</summary>
    public IReadOnlyList<SearchMode> Modes { get; init; } = [SearchMode.Hybrid, SearchMode.Vector, SearchMode.Keyword];
}
