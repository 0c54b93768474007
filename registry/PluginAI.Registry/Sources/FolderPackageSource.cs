using NuGet.Configuration;
using NuGet.Protocol;
using NuGet.Versioning;
using PluginAI.Hardware;
using PluginAI.Trust;

namespace PluginAI.Registry.Sources;

/// <summary>
/// A local folder feed: flat (<c>*.nupkg</c>) or in NuGet's v3 layout. Manifests are read from the packages themselves,
/// through the manifest cache; a folder publishes no signed index and serves no certification records.
/// </summary>
internal sealed class FolderPackageSource(PackageSourceContext context, PackageSource source) : IPackageSource
{
    public string Name => source.Name;

    public string Location => source.Source;

    public Task<IReadOnlyList<PluginSearchResult>> SearchAsync(string? term, PluginKind? kind, HardwareProfile hardware, ICollection<string> warnings, CancellationToken cancellationToken)
    {
        var packages = Packages(cancellationToken)
            .Where(p => p.Info.Manifest is not null)
            .Where(p => PackageSourceContext.Matches(term, p.Info.Id, p.Info.Manifest!.DisplayName, p.Info.Description ?? p.Info.Manifest.Description, p.Info.Tags));
        var results = new List<PluginSearchResult>();
        foreach (var group in packages.GroupBy(p => p.Info.Id, StringComparer.OrdinalIgnoreCase))
        {
            var versions = group.OrderByDescending(p => NuGetVersion.Parse(p.Info.Version)).Select(p => (p.Info, Report: context.Check(p.Info.Manifest!, hardware))).ToList();
            var (info, report) = versions.FirstOrDefault(v => v.Report.IsCompatible) is { Info: not null } fit ? fit : versions[0];
            var manifest = info.Manifest!;
            var certification = context.CertificationCheck.Evaluate(manifest, hardware, []);
            results.Add(new PluginSearchResult(manifest.Id, info.Version, info.Description ?? manifest.Description, manifest.Kinds, report.IsCompatible, report.Problems, certification.Status, source.Name, certification.Reason));
        }

        return Task.FromResult<IReadOnlyList<PluginSearchResult>>(results);
    }

    public Task<IReadOnlyList<PluginPackageCandidate>> GetCandidatesAsync(string id, ICollection<string> skipped, CancellationToken cancellationToken)
    {
        var list = new List<PluginPackageCandidate>();
        foreach (var (path, info) in Packages(cancellationToken))
        {
            if (info.Manifest is { } manifest && string.Equals(info.Id, id, StringComparison.OrdinalIgnoreCase))
            {
                list.Add(new PluginPackageCandidate(manifest.Id, NuGetVersion.Parse(info.Version), source.Name, manifest, source, path));
            }
            else if (info.Manifest is null && (string.Equals(info.Id, id, StringComparison.OrdinalIgnoreCase) || Path.GetFileName(path).StartsWith(id + ".", StringComparison.OrdinalIgnoreCase)))
            {
                // A package of this id that cannot be read is not a candidate, but saying nothing would hide why.
                skipped.Add($"source '{source.Name}': skipped {path}: {info.Problem ?? "it has no readable plugin manifest"}");
            }
        }

        return Task.FromResult<IReadOnlyList<PluginPackageCandidate>>(list);
    }

    public Task<string> DownloadAsync(string id, NuGetVersion version, string directory, CancellationToken cancellationToken) =>
        context.DownloadAsync(source, id, version, directory, cancellationToken);

    public Task<SignedIndexDownload?> GetSignedIndexAsync(CancellationToken cancellationToken) => Task.FromResult<SignedIndexDownload?>(null);

    public Task<IReadOnlyList<SignedEnvelope>> GetCertificationsAsync(string id, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<SignedEnvelope>>([]);

    private List<(string Path, CachedPackageInfo Info)> Packages(CancellationToken cancellationToken)
    {
        var root = source.Source;
        if (!Directory.Exists(root))
        {
            if (string.Equals(Path.GetFullPath(root), context.Settings.LocalFeedDirectory, StringComparison.Ordinal))
            {
                Directory.CreateDirectory(root);
                return [];
            }

            throw new RegistryException($"the folder {root} does not exist");
        }

        var feedType = LocalFolderUtility.GetLocalFeedType(root, context.Logger);
        IEnumerable<string> files = feedType == FeedType.FileSystemV3
            ? LocalFolderUtility.GetPackagesV3(root, context.Logger, cancellationToken).Select(p => p.Path)
            : Directory.EnumerateFiles(root, "*" + PluginPackageLayout.Extension, SearchOption.TopDirectoryOnly);
        return files.Select(f => (f, context.Cache.Get(f))).ToList();
    }
}
