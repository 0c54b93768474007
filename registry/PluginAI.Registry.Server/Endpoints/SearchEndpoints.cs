using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using NuGet.Versioning;
using PluginAI.Registry.Server.Responses;

namespace PluginAI.Registry.Server.Endpoints;

/// <summary>Search: NuGet's search resource, which carries PluginAI's summary under <c>pluginai</c>, and PluginAI's own.</summary>
internal sealed class SearchEndpoints(RegistryDatabase db)
{
    private const int MaxTake = 1000;
    private static readonly string[] s_kinds = ["backend", "preprocessor", "postprocessor", "retriever"];

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v3/search", (HttpRequest request) => NuGetSearch(request));
        routes.MapGet("/pluginai/v1/search", (HttpRequest request) => PluginSearch(request));
    }

    private IResult NuGetSearch(HttpRequest request)
    {
        if (!TryParseSearch(request.Query, out var query, out var error))
        {
            return new ErrorResponse(StatusCodes.Status400BadRequest, error);
        }

        var groups = db.Search(query, out var total);
        var root = RegistryEndpoints.BaseUrl(request);
        var answer = new NuGetSearchResponse(total, [.. groups.Select(versions => NuGetResult(root, versions))]);
        return JsonResponse.Create(answer, RegistryResponseJsonContext.Default.NuGetSearchResponse);
    }

    private IResult PluginSearch(HttpRequest request)
    {
        if (!TryParseSearch(request.Query, out var query, out var error))
        {
            return new ErrorResponse(StatusCodes.Status400BadRequest, error);
        }

        var groups = db.Search(query with { SemVer2 = true }, out var total);
        var root = RegistryEndpoints.BaseUrl(request);
        var answer = new PluginSearchResults(total, [.. groups.Select(versions => PluginResult(root, versions))]);
        return JsonResponse.Create(answer, RegistryResponseJsonContext.Default.PluginSearchResults);
    }

    private static NuGetSearchResult NuGetResult(string root, IReadOnlyList<PackageRecord> versions)
    {
        var p = versions[^1];
        var indexUrl = $"{root}v3/registration/{p.LowerId}/index.json";
        return new NuGetSearchResult(
            indexUrl,
            "Package",
            indexUrl,
            p.Id,
            p.Version,
            p.Description ?? string.Empty,
            p.Summary ?? string.Empty,
            p.Title ?? p.DisplayName ?? p.Id,
            string.Empty,
            p.ProjectUrl ?? string.Empty,
            [.. p.TagList],
            Authors(p),
            [],
            0,
            false,
            [new NuGetPackageType("Dependency")],
            [.. versions.Select(v => new NuGetSearchVersion(v.Version, 0, $"{root}v3/registration/{v.LowerId}/{v.LowerVersion}.json"))],
            Summary(root, p));
    }

    private static PluginSummary PluginResult(string root, IReadOnlyList<PackageRecord> versions)
    {
        var p = versions[^1];
        return Summary(root, p) with
        {
            Id = p.Id,
            Version = p.Version,
            DisplayName = p.DisplayName ?? p.Title ?? p.Id,
            Description = p.Description ?? string.Empty,
            Authors = Authors(p),
            Versions = [.. versions.Select(v => v.Version)],
        };
    }

    private static PluginSummary Summary(string root, PackageRecord p) => new()
    {
        Kinds = p.Kinds,
        HostApi = p.HostApi,
        Requirements = new RawJson(p.RequirementsJson),
        Variants = p.Variants,
        Licensing = p.LicensingModel,
        Certified = p.Certified,
        Signed = p.HasSignature,
        Manifest = $"{root}pluginai/v1/packages/{p.LowerId}/{p.LowerVersion}/manifest",
    };

    private static string[] Authors(PackageRecord p) =>
        p.Authors.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool TryParseSearch(IQueryCollection q, out SearchQuery query, out string error)
    {
        query = new SearchQuery();
        error = string.Empty;
        if (!Int(q["skip"], 0, out var skip) || skip < 0)
        {
            error = "skip must be a whole number of 0 or more";
            return false;
        }

        if (!Int(q["take"], 20, out var take) || take < 0)
        {
            error = "take must be a whole number of 0 or more";
            return false;
        }

        string? kind = q["kind"].ToString() is { Length: > 0 } k ? k.ToLowerInvariant() : null;
        if (kind is not null && !s_kinds.Contains(kind))
        {
            error = $"unknown kind '{kind}'; expected one of {string.Join(", ", s_kinds)}";
            return false;
        }

        query = new SearchQuery
        {
            Text = q["q"].ToString(),
            Skip = skip,
            Take = Math.Min(take, MaxTake),
            Prerelease = string.Equals(q["prerelease"].ToString(), "true", StringComparison.OrdinalIgnoreCase),
            SemVer2 = NuGetVersion.TryParse(q["semVerLevel"].ToString(), out var level) && level.Major >= 2,
            Kind = kind,
            CertifiedOnly = string.Equals(q["certified"].ToString(), "true", StringComparison.OrdinalIgnoreCase),
        };
        return true;

        static bool Int(StringValues value, int fallback, out int result)
        {
            result = fallback;
            return value.Count == 0 || string.IsNullOrEmpty(value.ToString()) || int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out result);
        }
    }
}
