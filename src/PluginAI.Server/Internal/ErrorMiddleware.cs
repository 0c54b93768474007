using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace PluginAI.Server.Internal;

/// <summary>Turns every failure into an OpenAI-shaped error with the right status, and counts requests by route and status.</summary>
internal sealed partial class ErrorMiddleware(RequestDelegate next, ServerMetrics metrics, PluginAIServerOptions options, ILogger<ErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        int? clientClosed = null;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            // The client went away; nothing to answer. Counted as 499 (nginx's "client closed request"); the response's
            // own status cannot change once a stream has begun.
            clientClosed = 499;
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = 499;
            }
        }
        catch (Exception ex)
        {
            var error = Translate(ex, options);
            if (error.Status >= 500)
            {
                LogFailure(logger, context.Request.Method, context.Request.Path, ex);
            }

            if (context.Response.HasStarted)
            {
                context.Abort();
            }
            else
            {
                context.Response.Clear();
                await OpenAIErrors.WriteAsync(context, error).ConfigureAwait(false);
            }
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            var status = clientClosed ?? context.Response.StatusCode;
            metrics.RecordRequest(route, context.Request.Method, status, Stopwatch.GetElapsedTime(started));
            if (options.LogRequests)
            {
                LogRequest(logger, context.Request.Method, context.Request.Path, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }

    public static ApiException Translate(Exception ex, PluginAIServerOptions options) => ex switch
    {
        ApiException api => api.Status == 429 && api.RetryAfter is null ? new ApiException(429, api.Message, api.Param, api.Code, api.Type) { RetryAfter = options.RetryAfter } : api,
        PluginException { ErrorCode: "model.overloaded" } plugin => new ApiException(429, plugin.Message, null, "rate_limit_exceeded", "rate_limit_error") { RetryAfter = options.RetryAfter },
        PluginException plugin => OpenAIErrors.FromPluginException(plugin),
        BadHttpRequestException { StatusCode: 413 } => new ApiException(413, $"The request body is larger than this server accepts ({options.MaxRequestBodyBytes} bytes for JSON requests, {options.MaxUploadBytes} for uploads).", null, "request_too_large"),
        BadHttpRequestException bad => new ApiException(bad.StatusCode, $"The request could not be read: {bad.Message}", null, "bad_request"),
        JsonException json => new ApiException(400, $"The request body is not valid JSON: {json.Message}", null, "invalid_json"),
        _ => new ApiException(500, "The server failed to handle the request; its log has the details.", null, "internal_error", "server_error"),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} -> {Status} in {Milliseconds:F1} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, double milliseconds);
}
