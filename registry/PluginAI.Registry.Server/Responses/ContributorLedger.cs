namespace PluginAI.Registry.Server.Responses;

/// <summary>The contributor ledger of a plugin, or of one of its versions.</summary>
internal sealed record ContributorLedger(string Id, IReadOnlyList<ContributorEntry> Entries);
