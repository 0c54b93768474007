using System.Text.Json;
using NuGet.Versioning;
using PluginAI.Manifest;

namespace PluginAI.Registry.Server;

/// <summary>One package version as the index stores it.</summary>
internal sealed record PackageRecord
{
    public long Pk { get; init; }

    public required string Id { get; init; }

    public string LowerId => Id.ToLowerInvariant();

    public required string Version { get; init; }

    public string LowerVersion => Version.ToLowerInvariant();

    public bool IsPrerelease { get; init; }

    public bool IsSemVer2 { get; init; }

    public bool Listed { get; init; } = true;

    public DateTimeOffset Published { get; init; }

    public required string Sha256 { get; init; }

    public long Size { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    public string? Summary { get; init; }

    public string Authors { get; init; } = string.Empty;

    public string Tags { get; init; } = string.Empty;

    public string? ProjectUrl { get; init; }

    public string? LicenseExpression { get; init; }

    public string DependencyGroupsJson { get; init; } = "[]";

    public IReadOnlyList<string> Kinds { get; init; } = [];

    public string? DisplayName { get; init; }

    public string? HostApi { get; init; }

    public string LicensingModel { get; init; } = "free";

    public IReadOnlyList<string> Variants { get; init; } = [];

    public string RequirementsJson { get; init; } = "{}";

    public bool HasSignature { get; init; }

    public string ManifestJson { get; init; } = "{}";

    public bool Certified { get; init; }

    public NuGetVersion NuGetVersion => NuGetVersion.Parse(Version);

    public IEnumerable<string> TagList => Tags.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string KindName(PluginKind kind) => kind switch
    {
        PluginKind.Backend => "backend",
        PluginKind.Preprocessor => "preprocessor",
        PluginKind.Postprocessor => "postprocessor",
        _ => "retriever",
    };

    /// <summary>Builds the record of a package that passed validation.</summary>
    public static PackageRecord FromPackage(PushedPackage package, DateTimeOffset published, bool listed)
    {
        var nuspec = package.Nuspec ?? throw new InvalidOperationException("The package has no nuspec.");
        if (package.ModelManifest is { } model)
        {
            return FromModelPackage(package, nuspec, model, published, listed);
        }

        var manifest = package.Manifest ?? throw new InvalidOperationException("The package has no valid manifest.");
        var version = package.Version ?? throw new InvalidOperationException("The package has no version.");
        var manifestJson = PackageInspector.DecodeUtf8(package.ManifestBytes!.Value.ToArray());

        var requirements = "{}";
        using (var document = JsonDocument.Parse(manifestJson, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }))
        {
            if (document.RootElement.TryGetProperty("requirements", out var element) && element.ValueKind == JsonValueKind.Object)
            {
                requirements = element.GetRawText();
            }
        }

        var groups = nuspec.GetDependencyGroups().Select(g => new DependencyGroup(
            g.TargetFramework.IsAny ? null : g.TargetFramework.GetShortFolderName(),
            g.Packages.Select(d => new Dependency(d.Id, d.VersionRange.ToNormalizedString())).ToList())).ToList();

        return new PackageRecord
        {
            Id = package.Id,
            Version = version.ToNormalizedString(),
            IsPrerelease = version.IsPrerelease,
            IsSemVer2 = version.IsSemVer2,
            Listed = listed,
            Published = published,
            Sha256 = package.Sha256,
            Size = package.Size,
            Title = NullIfEmpty(nuspec.GetTitle()),
            Description = NullIfEmpty(nuspec.GetDescription()) ?? manifest.Description,
            Summary = NullIfEmpty(nuspec.GetSummary()),
            Authors = nuspec.GetAuthors() ?? string.Empty,
            Tags = nuspec.GetTags() ?? string.Empty,
            ProjectUrl = NullIfEmpty(nuspec.GetProjectUrl()),
            LicenseExpression = nuspec.GetLicenseMetadata() is { Type: NuGet.Packaging.LicenseType.Expression } license ? license.License : null,
            DependencyGroupsJson = JsonSerializer.Serialize(groups, RegistryJsonContext.Default.ListDependencyGroup),
            Kinds = manifest.Kinds.Select(KindName).ToList(),
            DisplayName = manifest.DisplayName,
            HostApi = manifest.HostApi.ToString(),
            LicensingModel = manifest.Licensing.Model.ToString().ToLowerInvariant(),
            Variants = manifest.Variants.Select(v => v.Name).ToList(),
            RequirementsJson = requirements,
            HasSignature = package.HasSignature,
            ManifestJson = manifestJson,
        };
    }

    /// <summary>The kind recorded for a model package; plugin search leaves packages of this kind out.</summary>
    public const string ModelKind = "model";

    /// <summary>Gets a value indicating whether the record is a model package.</summary>
    public bool IsModel => Kinds.Contains(ModelKind);

    private static PackageRecord FromModelPackage(PushedPackage package, NuGet.Packaging.NuspecReader nuspec, PluginAI.Registry.ModelPackageManifest model, DateTimeOffset published, bool listed)
    {
        var version = package.Version ?? throw new InvalidOperationException("The package has no version.");
        return new PackageRecord
        {
            Id = package.Id,
            Version = version.ToNormalizedString(),
            IsPrerelease = version.IsPrerelease,
            IsSemVer2 = version.IsSemVer2,
            Listed = listed,
            Published = published,
            Sha256 = package.Sha256,
            Size = package.Size,
            Title = NullIfEmpty(nuspec.GetTitle()),
            Description = NullIfEmpty(nuspec.GetDescription()) ?? model.Description,
            Summary = NullIfEmpty(nuspec.GetSummary()),
            Authors = nuspec.GetAuthors() ?? string.Empty,
            Tags = nuspec.GetTags() ?? string.Empty,
            ProjectUrl = NullIfEmpty(nuspec.GetProjectUrl()),
            LicenseExpression = nuspec.GetLicenseMetadata() is { Type: NuGet.Packaging.LicenseType.Expression } license ? license.License : null,
            DependencyGroupsJson = "[]",
            Kinds = [ModelKind],
            HasSignature = package.HasSignature,
            ManifestJson = PackageInspector.DecodeUtf8(package.ManifestBytes!.Value.ToArray()),
        };
    }

    public IReadOnlyList<DependencyGroup> DependencyGroups() =>
        JsonSerializer.Deserialize(DependencyGroupsJson, RegistryJsonContext.Default.ListDependencyGroup) ?? [];

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
