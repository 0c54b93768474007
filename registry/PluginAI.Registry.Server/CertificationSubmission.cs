namespace PluginAI.Registry.Server;

/// <summary>A certification envelope posted to <c>/pluginai/v1/certifications/{id}</c>.</summary>
/// <param name="PackageId">The plugin id named in the request path.</param>
/// <param name="Envelope">The exact bytes of the envelope JSON.</param>
public sealed record CertificationSubmission(string PackageId, ReadOnlyMemory<byte> Envelope);
