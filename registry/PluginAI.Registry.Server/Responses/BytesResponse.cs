using Microsoft.AspNetCore.Http;

namespace PluginAI.Registry.Server.Responses;

/// <summary>A 200 answer with a body known in full, sent with its length.</summary>
/// <param name="body">The body.</param>
/// <param name="contentType">The content type, sent as it is.</param>
/// <param name="cacheControl">A <c>Cache-Control</c> header, or <see langword="null"/> for none.</param>
internal sealed class BytesResponse(ReadOnlyMemory<byte> body, string contentType, string? cacheControl = null) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        if (cacheControl is not null)
        {
            response.Headers.CacheControl = cacheControl;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }
}
