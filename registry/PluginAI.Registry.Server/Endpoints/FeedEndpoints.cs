using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PluginAI.Registry.Server.Responses;

namespace PluginAI.Registry.Server.Endpoints;

/// <summary>The NuGet v3 feed: the service index, the flat container and the registrations.</summary>
internal sealed class FeedEndpoints(PackageStore store)
{
    private static readonly (string Type, string Path, string Comment)[] s_resources =
    [
        ("PackagePublish/2.0.0", "api/v2/package", "Push and unlist packages (needs an API key)"),
        ("PackageBaseAddress/3.0.0", "v3-flatcontainer/", "Package versions, .nupkg and .nuspec files"),
        ("RegistrationsBaseUrl", "v3/registration/", "Package metadata"),
        ("RegistrationsBaseUrl/3.0.0-rc", "v3/registration/", "Package metadata"),
        ("RegistrationsBaseUrl/3.0.0-beta", "v3/registration/", "Package metadata"),
        ("RegistrationsBaseUrl/3.6.0", "v3/registration/", "Package metadata, SemVer 2.0.0 packages included"),
        ("SearchQueryService", "v3/search", "Search"),
        ("SearchQueryService/3.0.0-rc", "v3/search", "Search"),
        ("SearchQueryService/3.0.0-beta", "v3/search", "Search"),
        ("SearchQueryService/3.5.0", "v3/search", "Search, with package types"),
        ("PluginAI/1.0.0", "pluginai/v1/", "PluginAI manifests, signatures, signed index, certifications and contributors"),
    ];

    /// <summary>The publication date NuGet reads as "unlisted".</summary>
    private static readonly DateTimeOffset s_unlistedPublished = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly RegistryDatabase _db = store.Database;

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v3/index.json", (HttpRequest request) => ServiceIndex(request));
        routes.MapGet("/v3-flatcontainer/{id}/index.json", (string id) => FlatIndex(id));
        routes.MapGet("/v3-flatcontainer/{id}/{version}/{file}", (string id, string version, string file) => FlatFile(id, version, file));
        routes.MapGet("/v3/registration/{id}/index.json", (string id, HttpRequest request) => RegistrationIndex(id, request));
        routes.MapGet("/v3/registration/{id}/{version}.json", (string id, string version, HttpRequest request) => RegistrationLeaf(id, version, request));
    }

    private static IResult ServiceIndex(HttpRequest request)
    {
        var root = RegistryEndpoints.BaseUrl(request);
        var index = new ServiceIndex(
            "3.0.0",
            [.. s_resources.Select(r => new ServiceResource(root + r.Path, r.Type, r.Comment))],
            new ServiceIndexVocabulary("http://schema.nuget.org/services#", "http://www.w3.org/2000/01/rdf-schema#comment"));
        return JsonResponse.Create(index, RegistryResponseJsonContext.Default.ServiceIndex);
    }

    private IResult FlatIndex(string id)
    {
        var versions = _db.Versions(id.ToLowerInvariant());
        return versions.Count == 0
            ? RegistryEndpoints.NoPackage(id)
            : JsonResponse.Create(new FlatContainerIndex([.. versions.Select(v => v.LowerVersion)]), RegistryResponseJsonContext.Default.FlatContainerIndex);
    }

    private IResult FlatFile(string id, string version, string file)
    {
        var lowerId = id.ToLowerInvariant();
        file = file.ToLowerInvariant();
        if (PackageStore.Key(lowerId, version) is not var (_, lowerVersion) || _db.Find(lowerId, lowerVersion) is not { } record)
        {
            return RegistryEndpoints.NoPackage(id, version);
        }

        var path = store.PackagePath(lowerId, lowerVersion);
        if (file == $"{lowerId}.{lowerVersion}.nupkg")
        {
            return new PackageFileResponse(path, record.Sha256);
        }

        if (file == $"{lowerId}.nuspec")
        {
            return PackageInspector.ReadEntry(path, ".nuspec") is { } nuspec
                ? new BytesResponse(nuspec, "application/xml")
                : new ErrorResponse(StatusCodes.Status404NotFound, "not found");
        }

        return new ErrorResponse(StatusCodes.Status404NotFound, $"no file {file}; expected {lowerId}.{lowerVersion}.nupkg or {lowerId}.nuspec");
    }

    private IResult RegistrationIndex(string id, HttpRequest request)
    {
        var lowerId = id.ToLowerInvariant();
        var versions = _db.Versions(lowerId);
        if (versions.Count == 0)
        {
            return RegistryEndpoints.NoPackage(id);
        }

        var root = RegistryEndpoints.BaseUrl(request);
        var indexUrl = $"{root}v3/registration/{lowerId}/index.json";
        var page = new RegistrationPage(
            $"{indexUrl}#page/{versions[0].LowerVersion}/{versions[^1].LowerVersion}",
            "catalog:CatalogPage",
            versions.Count,
            versions[0].Version,
            versions[^1].Version,
            indexUrl,
            [.. versions.Select(v => PageLeaf(root, v))]);
        var index = new RegistrationIndex(indexUrl, ["catalog:CatalogRoot", "PackageRegistration"], 1, [page]);
        return JsonResponse.Create(index, RegistryResponseJsonContext.Default.RegistrationIndex);
    }

    private IResult RegistrationLeaf(string id, string version, HttpRequest request)
    {
        var lowerId = id.ToLowerInvariant();
        if (PackageStore.Key(lowerId, version) is not var (_, lowerVersion) || _db.Find(lowerId, lowerVersion) is not { } p)
        {
            return RegistryEndpoints.NoPackage(id, version);
        }

        var root = RegistryEndpoints.BaseUrl(request);
        var leaf = new RegistrationLeaf(
            LeafUrl(root, p),
            ["Package", "http://schema.nuget.org/catalog#Permalink"],
            p.Listed,
            Published(p),
            p.Published,
            CatalogEntry(root, p),
            ContentUrl(root, p),
            IndexUrl(root, p.LowerId));
        return JsonResponse.Create(leaf, RegistryResponseJsonContext.Default.RegistrationLeaf);
    }

    private static RegistrationPageLeaf PageLeaf(string root, PackageRecord p) =>
        new(LeafUrl(root, p), "Package", p.Published, CatalogEntry(root, p), ContentUrl(root, p), IndexUrl(root, p.LowerId));

    private static CatalogEntry CatalogEntry(string root, PackageRecord p)
    {
        var leafUrl = LeafUrl(root, p);
        return new CatalogEntry(
            leafUrl,
            "PackageDetails",
            p.Id,
            p.Version,
            p.Authors,
            p.Description ?? string.Empty,
            p.Summary ?? string.Empty,
            p.Title ?? string.Empty,
            string.Empty,
            string.Empty,
            p.LicenseExpression ?? string.Empty,
            p.ProjectUrl ?? string.Empty,
            p.Listed,
            Published(p),
            false,
            ContentUrl(root, p),
            [.. p.TagList],
            [.. p.DependencyGroups().Select(group => DependencyGroup(root, leafUrl, group))]);
    }

    private static DependencyGroupEntry DependencyGroup(string root, string leafUrl, DependencyGroup group)
    {
        var groupUrl = $"{leafUrl}#dependencygroup/{group.TargetFramework ?? "any"}";
        return new DependencyGroupEntry(
            groupUrl,
            "PackageDependencyGroup",
            group.TargetFramework,
            [.. group.Dependencies.Select(d => new DependencyEntry(
                $"{groupUrl}/{d.Id.ToLowerInvariant()}",
                "PackageDependency",
                d.Id,
                d.Range,
                IndexUrl(root, d.Id.ToLowerInvariant())))]);
    }

    /// <summary>NuGet reads a publication date of 1900 as "unlisted", so an unlisted version shows that date.</summary>
    private static DateTimeOffset Published(PackageRecord p) => p.Listed ? p.Published : s_unlistedPublished;

    private static string LeafUrl(string root, PackageRecord p) => $"{root}v3/registration/{p.LowerId}/{p.LowerVersion}.json";

    private static string IndexUrl(string root, string lowerId) => $"{root}v3/registration/{lowerId}/index.json";

    private static string ContentUrl(string root, PackageRecord p) =>
        $"{root}v3-flatcontainer/{p.LowerId}/{p.LowerVersion}/{p.LowerId}.{p.LowerVersion}.nupkg";
}
