using NuGet.Configuration;
using NuGet.Versioning;
using PluginAI.Manifest;

namespace PluginAI.Registry;

/// <summary>One version of a plugin available from a source, with its manifest.</summary>
public sealed class PluginPackageCandidate
{
    internal PluginPackageCandidate(string id, NuGetVersion version, string sourceName, PluginManifest manifest, PackageSource source, string? localPath)
    {
        Id = id;
        Version = version;
        SourceName = sourceName;
        Manifest = manifest;
        NuGetSource = source;
        LocalPath = localPath;
    }

    /// <summary>Gets the package id.</summary>
    public string Id { get; }

    /// <summary>Gets the package version.</summary>
    public NuGetVersion Version { get; }

    /// <summary>Gets the name of the source that serves it.</summary>
    public string SourceName { get; }

    /// <summary>Gets the package's manifest.</summary>
    public PluginManifest Manifest { get; }

    /// <summary>Gets the package file when the source is a local folder, else <see langword="null"/>.</summary>
    public string? LocalPath { get; }

    internal PackageSource NuGetSource { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Id} {Version.ToNormalizedString()} ({SourceName})";
}
