using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PluginAI.Server.Internal;

/// <summary>Writes errors in OpenAI's shape: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class OpenAIErrors
{
    public static ApiException FromPluginException(PluginException ex, string? modelParam = "model") => ex.ErrorCode switch
    {
        "model.context-overflow" => new ApiException(400, ex.Message, "messages", "context_length_exceeded"),
        "model.overloaded" => new ApiException(429, ex.Message, null, "rate_limit_exceeded", "rate_limit_error"),
        "request.unsupported-response-format" => new ApiException(400, ex.Message, "response_format", "unsupported_schema"),
        "request.unsupported-tool-schema" => new ApiException(400, ex.Message, "tools", "unsupported_schema"),
        "request.invalid-tools" => new ApiException(400, ex.Message, "tool_choice", "invalid_value"),
        "request.grammar-rejected" => new ApiException(400, ex.Message, "response_format", "unsupported_schema"),
        "kb.missing" => new ApiException(404, ex.Message, modelParam, "knowledge_base_not_found"),
        "kb.invalid-name" => new ApiException(400, ex.Message, modelParam, "invalid_knowledge_base_name"),
        "model.none" => new ApiException(404, ex.Message, modelParam, "model_not_found"),
        "cluster.unavailable" => new ApiException(503, ex.Message, null, "cluster_unavailable", "server_error"),
        "model.missing" or "model.no-backend" or "model.unreadable" or "model.capability" or "model.context-failed" or "kb.no-retriever"
            => new ApiException(503, ex.Message, modelParam, "model_unavailable", "server_error"),
        _ => new ApiException(500, ex.Message, null, ex.ErrorCode ?? "plugin_error", "server_error"),
    };

    public static async Task WriteAsync(HttpContext context, ApiException error)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfter is { } retry)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (error.Status == 401)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        await response.Body.WriteAsync(Serialize(error), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The error object as UTF-8 JSON, also used as an SSE event when a stream fails after it began.</summary>
    public static byte[] Serialize(ApiException error)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", error.Message);
            writer.WriteString("type", error.Type);
            WriteNullable(writer, "param", error.Param);
            WriteNullable(writer, "code", error.Code);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
