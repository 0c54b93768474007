using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using PluginAI.Runtime.Ingestion;

namespace PluginAI.Server.Internal;

/// <summary>Reads uploaded documents (multipart/form-data) into a source the ingestion pipeline reads, with names made safe.</summary>
internal static class Uploads
{
    public const string KeyPrefix = "upload:";
    private const int MaxFiles = 10_000;
    private const int MaxNameLength = 512;

    public static async Task<MemoryDocumentSource> ReadAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        if (!request.HasFormContentType || request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) != true)
        {
            throw new ApiException(415, $"Upload documents as multipart/form-data with one 'file' part per document; got '{request.ContentType ?? "no content type"}'.", null, "unsupported_media_type");
        }

        if (request.ContentLength > maxBytes)
        {
            throw new ApiException(413, $"The upload is {request.ContentLength} bytes; this server accepts at most {maxBytes}.", null, "request_too_large");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        context.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions
        {
            MultipartBodyLengthLimit = maxBytes,
            ValueCountLimit = MaxFiles,
            MultipartHeadersLengthLimit = 16 * 1024,
        }));

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new ApiException(400, $"The upload is not valid multipart/form-data: {ex.Message}", null, "invalid_upload");
        }

        if (form.Files.Count == 0)
        {
            throw new ApiException(400, "The upload holds no file; send each document as a 'file' part with a file name.", "file", "missing_required_parameter");
        }

        var source = new MemoryDocumentSource("upload");
        foreach (var file in form.Files)
        {
            var name = SafeName(file.FileName);
            using var stream = file.OpenReadStream();
            var content = new byte[file.Length];
            await stream.ReadExactlyAsync(content, context.RequestAborted).ConfigureAwait(false);
            var mediaType = string.IsNullOrEmpty(file.ContentType) || file.ContentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) ? null : file.ContentType;
            source.Add(KeyPrefix + name, content, mediaType);
        }

        return source;
    }

    public static string DisplayName(string key) => key.StartsWith(KeyPrefix, StringComparison.Ordinal) ? key[KeyPrefix.Length..] : key;

    /// <summary>Keeps a relative path a folder upload sends ("docs/a.md"), dropping anything that would climb or be absolute.</summary>
    private static string SafeName(string fileName)
    {
        var segments = fileName.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments.Any(s => s is "." or ".." || s.Any(char.IsControl)) || fileName.Length > MaxNameLength)
        {
            throw new ApiException(400, $"The file name '{(fileName.Length > 80 ? fileName[..80] + "…" : fileName)}' is not usable; expected a relative path without '..', up to {MaxNameLength} characters.", "file", "invalid_file_name");
        }

        return string.Join('/', segments);
    }
}
