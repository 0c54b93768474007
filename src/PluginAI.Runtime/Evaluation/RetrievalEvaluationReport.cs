namespace PluginAI.Runtime.Evaluation;

/// <summary>The result of evaluating retrieval on a knowledge base, as plain data.</summary>
public sealed record RetrievalEvaluationReport
{
    /// <summary>Gets the knowledge base.</summary>
    public required string KnowledgeBase { get; init; }

    /// <summary>Gets the number of questions.</summary>
    public required int Questions { get; init; }

    /// <summary>Gets the scores, one per search mode, in the order asked.</summary>
    public required IReadOnlyList<RetrievalModeResult> Modes { get; init; }
}
