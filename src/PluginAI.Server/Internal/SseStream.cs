using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PluginAI.Server.Internal;

/// <summary>Writes server-sent events (<c>data: JSON</c>, a blank line) straight to the response, flushing each so a client sees it at once.</summary>
internal sealed class SseStream
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly HttpResponse _response;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public SseStream(HttpResponse response)
    {
        _response = response;
        _writer = new Utf8JsonWriter(_buffer);
    }

    public static void Start(HttpResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>Writes one event whose JSON the callback writes.</summary>
    public async ValueTask WriteAsync(Action<Utf8JsonWriter> write, CancellationToken cancellationToken, string? eventName = null)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        write(_writer);
        _writer.Flush();
        var body = _response.BodyWriter;
        if (eventName is not null)
        {
            body.Write(System.Text.Encoding.UTF8.GetBytes($"event: {eventName}\n"));
        }

        body.Write(DataPrefix);
        body.Write(_buffer.WrittenSpan);
        body.Write(EventEnd);
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask WriteRawAsync(byte[] json, CancellationToken cancellationToken)
    {
        var body = _response.BodyWriter;
        body.Write(DataPrefix);
        body.Write(json);
        body.Write(EventEnd);
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask WriteDoneAsync(CancellationToken cancellationToken)
    {
        _response.BodyWriter.Write(Done);
        await _response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
