using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace PluginAI.Registry.Server.Responses;

/// <summary>
/// A refusal: the status, the message as a plain-text body and, because <c>dotnet nuget push</c> prints only the
/// status line, the message as the reason phrase too.
/// </summary>
/// <param name="status">The HTTP status.</param>
/// <param name="message">What went wrong, in plain words.</param>
/// <param name="wwwAuthenticate">A <c>WWW-Authenticate</c> challenge, or <see langword="null"/> for none.</param>
internal sealed class ErrorResponse(int status, string message, string? wwwAuthenticate = null) : IResult
{
    private const int MaxReasonLength = 500;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        if (wwwAuthenticate is not null)
        {
            response.Headers.WWWAuthenticate = wwwAuthenticate;
        }

        response.StatusCode = status;
        if (httpContext.Features.Get<IHttpResponseFeature>() is { } feature)
        {
            feature.ReasonPhrase = ReasonPhrase(message);
        }

        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(message + "\n", Encoding.UTF8, httpContext.RequestAborted);
    }

    private static string ReasonPhrase(string message)
    {
        var text = new StringBuilder(Math.Min(message.Length, MaxReasonLength));
        foreach (var c in message)
        {
            if (text.Length >= MaxReasonLength)
            {
                break;
            }

            text.Append(c is >= ' ' and <= '~' ? c : ' ');
        }

        return text.ToString();
    }
}
