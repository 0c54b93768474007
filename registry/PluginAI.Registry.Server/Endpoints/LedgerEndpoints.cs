using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PluginAI.Registry.Server.Responses;

namespace PluginAI.Registry.Server.Endpoints;

/// <summary>The contributor ledger: who contributed to a plugin, per version, with the weights their shares came from.</summary>
internal sealed class LedgerEndpoints(RegistryDatabase db)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/pluginai/v1/contributors/{id}", (string id) => AllVersions(id));
        routes.MapGet("/pluginai/v1/contributors/{id}/{version}", (string id, string version) => OneVersion(id, version));
    }

    private IResult AllVersions(string id) =>
        db.Versions(id.ToLowerInvariant()).Count == 0 ? RegistryEndpoints.NoPackage(id) : Ledger(id, lowerVersion: null);

    private IResult OneVersion(string id, string version) =>
        PackageStore.Key(id, version) is var (_, lowerVersion) && db.Exists(id.ToLowerInvariant(), lowerVersion)
            ? Ledger(id, lowerVersion)
            : RegistryEndpoints.NoPackage(id, version);

    private BytesResponse Ledger(string id, string? lowerVersion)
    {
        var rows = db.Contributors(id.ToLowerInvariant(), lowerVersion);
        var ledger = new ContributorLedger(rows.FirstOrDefault()?.Id ?? id, [.. rows.Select(Entry)]);
        return JsonResponse.Create(ledger, RegistryResponseJsonContext.Default.ContributorLedger);
    }

    private static ContributorEntry Entry(ContributorRow r) => new(
        r.Version,
        r.Contributor,
        r.Name,
        r.Email,
        r.CodeCommits,
        r.DocCommits,
        r.Issues,
        r.LinesAdded,
        r.LinesRemoved,
        r.RawScore,
        r.Share,
        new ContributorWeights(r.CodeWeight, r.IssuesWeight, r.DocsWeight),
        r.Since,
        r.Until);
}
