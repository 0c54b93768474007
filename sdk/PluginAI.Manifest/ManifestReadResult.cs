using System.Diagnostics.CodeAnalysis;

namespace PluginAI.Manifest;

/// <summary>The outcome of reading a manifest: the manifest when valid, and every error and warning found.</summary>
public sealed class ManifestReadResult
{
    internal ManifestReadResult(PluginManifest? manifest, IReadOnlyList<ManifestError> errors, IReadOnlyList<ManifestError> warnings)
    {
        Manifest = errors.Count == 0 ? manifest : null;
        Errors = errors;
        Warnings = warnings;
    }

    /// <summary>Gets the manifest, or <see langword="null"/> when it has errors.</summary>
    public PluginManifest? Manifest { get; }

    /// <summary>Gets the errors; empty when the manifest is valid.</summary>
    public IReadOnlyList<ManifestError> Errors { get; }

    /// <summary>Gets the warnings, such as fields this version does not know; they do not stop loading.</summary>
    public IReadOnlyList<ManifestError> Warnings { get; }

    /// <summary>Gets a value indicating whether the manifest is valid.</summary>
    [MemberNotNullWhen(true, nameof(Manifest))]
    public bool IsValid => Manifest is not null;

    /// <summary>Returns the manifest or throws a <see cref="ManifestException"/> listing the errors.</summary>
    /// <returns>The manifest.</returns>
    public PluginManifest GetManifestOrThrow() => Manifest ?? throw new ManifestException(Errors);
}
