namespace PluginAI.Contributors;

/// <summary>A contributor's counts with the scores computed from them.</summary>
/// <param name="Statistics">The raw counts.</param>
/// <param name="RawScore">code commits × code weight + issues × issues weight + doc commits × docs weight.</param>
/// <param name="Share">The normalised share of credit, between 0 and 1; the shares of a period sum to 1.</param>
public sealed record ContributorScore(ContributorStatistics Statistics, double RawScore, double Share);
