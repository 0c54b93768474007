namespace PluginAI.Manifest.Compatibility;

/// <summary>Whether a plugin can run on this host and machine, which build was chosen, and why.</summary>
public sealed record CompatibilityReport
{
    /// <summary>Gets a value indicating whether some build of the plugin can run here.</summary>
    public required bool IsCompatible { get; init; }

    /// <summary>Gets the variant chosen, or <see langword="null"/> for the base build (or when nothing fits).</summary>
    public string? SelectedVariant { get; init; }

    /// <summary>Gets why the plugin cannot run, in plain words; empty when it can.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Gets the decision for each build considered, in the order considered.</summary>
    public IReadOnlyList<BuildDecision> Decisions { get; init; } = [];

    /// <summary>Gets remarks that do not stop loading, such as an API version the probe could not read.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
