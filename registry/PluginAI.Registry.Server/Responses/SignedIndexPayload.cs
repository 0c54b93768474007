namespace PluginAI.Registry.Server.Responses;

/// <summary>The payload of the signed registry index, before it is wrapped in a signed envelope.</summary>
internal sealed record SignedIndexPayload(
    string Format,
    string Registry,
    long Version,
    DateTimeOffset Issued,
    DateTimeOffset Expires,
    IReadOnlyList<SignedIndexPackage> Packages);
