using Microsoft.AspNetCore.Http;
using PluginAI.Registry.Server.Responses;

namespace PluginAI.Registry.Server.Endpoints;

/// <summary>
/// Lets a request through only with a valid API key. Writes (push, unlist, certify) take the NuGet header; reads, which
/// need a key only when the server listens beyond loopback, also take the password of Basic credentials, since that
/// is how a NuGet package source sends them.
/// </summary>
internal sealed class ApiKeyFilter : IEndpointFilter
{
    private const string ApiKeyHeader = "X-NuGet-ApiKey";

    private readonly ApiKeySet _keys;
    private readonly bool _forWrites;

    private ApiKeyFilter(ApiKeySet keys, bool forWrites)
    {
        _keys = keys;
        _forWrites = forWrites;
    }

    /// <summary>Creates the filter for every route of a server whose reads need a key.</summary>
    /// <param name="keys">The configured keys.</param>
    /// <returns>The filter.</returns>
    public static ApiKeyFilter ForReads(ApiKeySet keys) => new(keys, forWrites: false);

    /// <summary>Creates the filter for the routes that change the registry.</summary>
    /// <param name="keys">The configured keys.</param>
    /// <returns>The filter.</returns>
    public static ApiKeyFilter ForWrites(ApiKeySet keys) => new(keys, forWrites: true);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var headers = context.HttpContext.Request.Headers;
        var presented = headers[ApiKeyHeader].ToString();
        if (_keys.Matches(presented) || (!_forWrites && _keys.Matches(ApiKeySet.BasicPassword(headers.Authorization.ToString()))))
        {
            return next(context);
        }

        return ValueTask.FromResult<object?>(_forWrites ? WriteRefusal(presented) : ReadRefusal());
    }

    private static ErrorResponse ReadRefusal() => new(
        StatusCodes.Status401Unauthorized,
        "this registry needs an API key: send it in the X-NuGet-ApiKey header or as the password of the package source credentials",
        "Basic realm=\"PluginAI registry\"");

    private ErrorResponse WriteRefusal(string presented) => _keys.IsEmpty
        ? new(StatusCodes.Status403Forbidden, "this registry has no API keys configured, so pushing, unlisting and certifying are disabled")
        : presented.Length == 0
            ? new(StatusCodes.Status401Unauthorized, "an API key is required: send it in the X-NuGet-ApiKey header (dotnet nuget push --api-key)")
            : new(StatusCodes.Status403Forbidden, "the API key is not valid for this registry");
}
