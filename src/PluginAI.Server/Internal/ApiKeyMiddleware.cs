using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace PluginAI.Server.Internal;

/// <summary>
/// Requires <c>Authorization: Bearer KEY</c> on every route but <c>/health</c> and the web page's own files when keys are
/// configured; keys are compared in constant time. The page holds no data: it asks for a key before it calls the API.
/// </summary>
internal sealed class ApiKeyMiddleware
{
    private readonly RequestDelegate _next;
    private readonly byte[][] _hashes;

    public ApiKeyMiddleware(RequestDelegate next, PluginAIServerOptions options)
    {
        _next = next;
        _hashes = [.. options.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => Hash(k.Trim()))];
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (_hashes.Length == 0 || context.Request.Path.Equals("/health", StringComparison.Ordinal) || HttpMethods.IsOptions(context.Request.Method) || WebPage.IsPageRequest(context.Request))
        {
            return _next(context);
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            throw new ApiException(401, "This server needs an API key: send it as 'Authorization: Bearer KEY'.", null, "missing_api_key");
        }

        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || !Matches(header[Scheme.Length..].Trim()))
        {
            throw new ApiException(401, "The API key is not valid for this server.", null, "invalid_api_key");
        }

        return _next(context);
    }

    private bool Matches(string presented)
    {
        var hash = Hash(presented);
        var found = false;
        foreach (var candidate in _hashes)
        {
            found |= CryptographicOperations.FixedTimeEquals(hash, candidate);
        }

        return found;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
