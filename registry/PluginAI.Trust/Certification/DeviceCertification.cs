using PluginAI.Hardware;

namespace PluginAI.Trust.Certification;

/// <summary>Whether a plugin is certified on one device of this machine, and why, in plain words.</summary>
public sealed record DeviceCertification
{
    /// <summary>Gets the device, such as <c>NVIDIA H200 (10de:2335)</c> or <c>CPU (AMD EPYC 9654)</c>.</summary>
    public required string Device { get; init; }

    /// <summary>Gets the accelerator, or <see langword="null"/> for the CPU.</summary>
    public AcceleratorInfo? Accelerator { get; init; }

    /// <summary>Gets a value indicating whether a valid record of a trusted certifier covers the plugin on this device.</summary>
    public required bool Certified { get; init; }

    /// <summary>Gets the certifier of the record that decided the outcome, when there is one.</summary>
    public string? Certifier { get; init; }

    /// <summary>Gets the expiry of the record that decided the outcome, when there is one.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>Gets the conformance suite version of that record, when there is one.</summary>
    public string? SuiteVersion { get; init; }

    /// <summary>Gets the id of the key that signed that record, when there is one.</summary>
    public string? KeyId { get; init; }

    /// <summary>Gets the reason in plain words, such as <c>certified by nvidia until 2027-06-30 (suite 1.0.0)</c> or <c>no record covers NVIDIA H200 (10de:2335)</c>.</summary>
    public required string Reason { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Device}: {(Certified ? "certified" : "uncertified")}, {Reason}";
}
