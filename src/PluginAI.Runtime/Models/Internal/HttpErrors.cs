using System.Net;

namespace PluginAI.Runtime.Models.Internal;

/// <summary>Turns a hub's or server's refusal into an error that names the URL and says what to do.</summary>
internal static class HttpErrors
{
    public static void ThrowIfFailed(HttpResponseMessage response, Uri url, string what)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var message = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                $"{url}: {status} {response.ReasonPhrase}: {what} needs an access token the server accepts; set HF_TOKEN (or 'token' in hub.json in the PluginAI home) and accept the model's licence on its page if it is gated.",
            HttpStatusCode.NotFound => $"{url}: 404 Not Found: {what} does not exist on this server (check the owner, repository and file names).",
            HttpStatusCode.RequestedRangeNotSatisfiable => $"{url}: 416: the server cannot resume this download.",
            _ => $"{url}: the server answered {status} {response.ReasonPhrase} for {what}.",
        };
        throw new PluginException(message) { ErrorCode = status is 401 or 403 ? "pull.unauthorized" : status == 404 ? "pull.not-found" : "pull.http" };
    }

    public static void ThrowIfHtml(HttpResponseMessage response, ReadOnlySpan<char> start, Uri url)
    {
        if (IsHtml(response) || start.TrimStart().StartsWith("<", StringComparison.Ordinal))
        {
            throw Html(url);
        }
    }

    public static bool IsHtml(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is { } type && type.Contains("html", StringComparison.OrdinalIgnoreCase);

    public static PluginException Html(Uri url) =>
        new($"{url}: the server sent a web page (HTML) instead of the file; a proxy or login page may be in the way, or the URL is a page rather than the file itself.") { ErrorCode = "pull.html" };
}
