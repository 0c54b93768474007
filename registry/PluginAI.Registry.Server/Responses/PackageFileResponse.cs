using Microsoft.AspNetCore.Http;

namespace PluginAI.Registry.Server.Responses;

/// <summary>A stored <c>.nupkg</c>, streamed from disk with its SHA-256 as the entity tag.</summary>
/// <param name="path">The package file.</param>
/// <param name="sha256">The package's SHA-256, lowercase hex.</param>
internal sealed class PackageFileResponse(string path, string sha256) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.ContentType = "application/octet-stream";
        httpContext.Response.Headers.ETag = $"\"{sha256}\"";
        return httpContext.Response.SendFileAsync(path, httpContext.RequestAborted);
    }
}
