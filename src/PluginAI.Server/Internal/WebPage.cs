using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PluginAI.Server.Internal;

/// <summary>
/// Serves the web page (<c>/</c> and <c>/assets/NAME</c>) from resources embedded in this assembly, so it works offline
/// and nothing is read from disk. The page talks to the server through the public API only.
/// </summary>
internal static class WebPage
{
    // No inline script or style, nothing from another origin: model output that slipped into markup could not run.
    private const string ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    /// <summary>Tells whether a request is for the page, which needs no API key: the page asks for one itself.</summary>
    public static bool IsPageRequest(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && (request.Path.Equals("/", StringComparison.Ordinal) || (request.Path.StartsWithSegments("/assets", StringComparison.Ordinal, out var rest) && Assets.ContainsKey(rest.Value?.TrimStart('/') ?? string.Empty)));

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", context => WriteAsync(context, Assets["index.html"]));
        app.MapGet("/assets/{name}", (HttpContext context, string name) => Assets.TryGetValue(name, out var asset)
            ? WriteAsync(context, asset)
            : throw new ApiException(404, $"There is no asset '{name}'; the page's assets are {string.Join(", ", Assets.Keys.Where(k => k != "index.html").Order(StringComparer.Ordinal))}.", null, "unknown_asset"));
    }

    private static async Task WriteAsync(HttpContext context, Asset asset)
    {
        var response = context.Response;
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-cache";
        response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(asset.Content, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(WebPage).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("wwwroot/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            var content = new byte[stream.Length];
            stream.ReadExactly(content);
            var name = resource["wwwroot/".Length..];
            var type = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            assets[name] = new Asset(content, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12))}\"");
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record Asset(byte[] Content, string ContentType, string ETag);
}
