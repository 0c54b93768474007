namespace PluginAI.Registry.Server.Responses;

/// <summary>The certification envelopes stored for a plugin, each exactly as it was posted.</summary>
internal sealed record CertificationList(string Id, IReadOnlyList<RawJson> Certifications);
