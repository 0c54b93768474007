using PluginAI.Trust.Content;

namespace PluginAI.Registry;

/// <summary>A model file extracted from a model package and verified against its signed manifest; not yet registered.</summary>
/// <param name="Id">The package id.</param>
/// <param name="Version">The package version, normalised.</param>
/// <param name="SourceName">The package source it came from.</param>
/// <param name="Manifest">The verified model manifest.</param>
/// <param name="Path">Where the model file was extracted.</param>
/// <param name="Sha256">The model file's SHA-256, as the signed manifest gives it and the file has.</param>
/// <param name="Verification">The publisher signature check.</param>
/// <param name="Explanation">What was checked, one line each.</param>
public sealed record ModelPackagePull(string Id, string Version, string SourceName, ModelPackageManifest Manifest, string Path, string Sha256, ContentVerificationResult Verification, IReadOnlyList<string> Explanation);
