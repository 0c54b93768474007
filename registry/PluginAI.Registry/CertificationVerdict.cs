using PluginAI.Trust.Certification;

namespace PluginAI.Registry;

/// <summary>The certification of a plugin version on this machine, with the reason in plain words.</summary>
/// <param name="Status">The status.</param>
/// <param name="Reason">Why, such as <c>NVIDIA H200 (10de:2335): certified by nvidia until 2027-06-30 (suite 1.0.0)</c> or <c>CPU (Test CPU): no record covers CPU (Test CPU)</c>.</param>
/// <param name="Devices">The outcome per device of this machine; empty when the check does not evaluate devices.</param>
public sealed record CertificationVerdict(CertificationStatus Status, string Reason, IReadOnlyList<DeviceCertification> Devices);
