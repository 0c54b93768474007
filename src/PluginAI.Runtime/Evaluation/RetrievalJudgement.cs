namespace PluginAI.Runtime.Evaluation;

/// <summary>How well one ranking answered one question.</summary>
/// <param name="Rank">The 1-based rank of the first relevant passage, or 0 when none was within the depth.</param>
/// <param name="Ndcg">The normalised discounted cumulative gain, from 0 to 1.</param>
public readonly record struct RetrievalJudgement(int Rank, double Ndcg);
