namespace PluginAI.Contributors;

/// <summary>One contributor's part of a split amount.</summary>
/// <param name="Id">The contributor's identity.</param>
/// <param name="Name">The display name.</param>
/// <param name="Share">The normalised share the part was computed from.</param>
/// <param name="Amount">The amount, rounded to the currency's minor unit.</param>
public sealed record AmountSplit(string Id, string Name, double Share, decimal Amount);
