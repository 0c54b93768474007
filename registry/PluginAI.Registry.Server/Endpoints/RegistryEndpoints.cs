using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace PluginAI.Registry.Server.Endpoints;

/// <summary>Maps every area of the registry's HTTP surface and puts the API key filters on the routes that need them.</summary>
internal static class RegistryEndpoints
{
    /// <summary>Maps the feed, push, search, signed index, certification and ledger endpoints.</summary>
    /// <param name="app">Where to map them.</param>
    /// <param name="options">The server settings.</param>
    /// <param name="store">The package store.</param>
    /// <param name="keys">The configured API keys.</param>
    /// <param name="readsNeedKey">Whether reads need a key too, as they do when the server listens beyond loopback.</param>
    /// <param name="logger">Where to log pushes and refusals.</param>
    public static void Map(IEndpointRouteBuilder app, RegistryServerOptions options, PackageStore store, ApiKeySet keys, bool readsNeedKey, ILogger logger)
    {
        var routes = app.MapGroup(string.Empty);
        if (readsNeedKey)
        {
            routes.AddEndpointFilter(ApiKeyFilter.ForReads(keys));
        }

        var writes = ApiKeyFilter.ForWrites(keys);
        new FeedEndpoints(store).Map(routes);
        new PushEndpoints(options, store, logger).Map(routes, writes);
        new SearchEndpoints(store.Database).Map(routes);
        new IndexEndpoints(options, store).Map(routes);
        new CertificationEndpoints(options, store).Map(routes, writes);
        new LedgerEndpoints(store.Database).Map(routes);
    }

    /// <summary>The address the client reached the server at, ending with <c>/</c>, that answers link to.</summary>
    /// <param name="request">The request.</param>
    /// <returns>Such as <c>http://127.0.0.1:5000/</c>.</returns>
    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/";

    /// <summary>The refusal for a package id and version that this registry does not hold.</summary>
    /// <param name="id">The id as requested.</param>
    /// <param name="version">The version as requested.</param>
    /// <returns>A 404 answer.</returns>
    public static Responses.ErrorResponse NoPackage(string id, string version) =>
        new(StatusCodes.Status404NotFound, $"no package {id} {version} in this registry");

    /// <summary>The refusal for a package id that this registry does not hold.</summary>
    /// <param name="id">The id as requested.</param>
    /// <returns>A 404 answer.</returns>
    public static Responses.ErrorResponse NoPackage(string id) =>
        new(StatusCodes.Status404NotFound, $"no package {id} in this registry");
}
