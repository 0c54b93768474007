namespace PluginAI.Registry.Server.Responses;

/// <summary>The weights a contributor's share was computed with.</summary>
internal sealed record ContributorWeights(double Code, double Issues, double Docs);
