using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PluginAI.Cli.Tests;

/// <summary>
/// A local stand-in for a Hugging Face hub: <c>/api/models/OWNER/REPO/tree/main</c> lists files with their size and
/// LFS SHA-256 (<c>lfs.oid</c>), <c>/OWNER/REPO/resolve/main/FILE</c> serves them with HTTP Range support. It can drop
/// the connection part-way, trickle bytes, ask for a token, or answer with a web page.
/// </summary>
internal sealed class FakeHub : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, (byte[] Content, string Sha256)> _files = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();

    public FakeHub(string repository = "test/tiny")
    {
        Repository = repository;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public string Repository { get; }

    public string Endpoint { get; }

    /// <summary>Gets or sets the number of bytes after which the next full (not ranged) download is cut off.</summary>
    public long? DropAfterBytes { get; set; }

    /// <summary>Gets or sets the delay between 4 KiB chunks, to keep a download running.</summary>
    public TimeSpan? Trickle { get; set; }

    public string? RequiredToken { get; set; }

    public bool AnswerWithHtml { get; set; }

    public ConcurrentQueue<string> RangesSeen { get; } = new();

    public ConcurrentQueue<string> RequestsSeen { get; } = new();

    public void AddFile(string path, byte[] content, string? publishedSha256 = null) =>
        _files[path] = (content, publishedSha256 ?? Convert.ToHexStringLower(SHA256.HashData(content)));

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = Uri.UnescapeDataString(request.Url!.AbsolutePath);
        RequestsSeen.Enqueue(path);
        try
        {
            if (RequiredToken is not null && request.Headers["Authorization"] != $"Bearer {RequiredToken}")
            {
                response.StatusCode = 401;
                await WriteAsync(response, "application/json", """{"error":"Invalid credentials in Authorization header"}""");
                return;
            }

            if (path == $"/api/models/{Repository}/tree/main")
            {
                var listing = new List<object> { new { type = "file", oid = "1111111111111111111111111111111111111111", size = 12, path = "README.md" } };
                listing.AddRange(_files.Select(f => (object)new
                {
                    type = "file",
                    oid = "0000000000000000000000000000000000000000",
                    size = f.Value.Content.Length,
                    path = f.Key,
                    lfs = new { oid = f.Value.Sha256, size = f.Value.Content.Length, pointerSize = 135 },
                }));
                await WriteAsync(response, "application/json", JsonSerializer.Serialize(listing));
                return;
            }

            var prefix = $"/{Repository}/resolve/main/";
            if (path.StartsWith(prefix, StringComparison.Ordinal) && _files.TryGetValue(path[prefix.Length..], out var file))
            {
                if (AnswerWithHtml)
                {
                    await WriteAsync(response, "text/html; charset=utf-8", "<!DOCTYPE html><html><body>Sign in to continue</body></html>");
                    return;
                }

                await ServeFileAsync(request, response, file.Content, file.Sha256);
                return;
            }

            response.StatusCode = 404;
            await WriteAsync(response, "application/json", """{"error":"Repository Not Found"}""");
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (HttpListenerException)
        {
        }
        catch (IOException)
        {
        }
    }

    private async Task ServeFileAsync(HttpListenerRequest request, HttpListenerResponse response, byte[] content, string sha256)
    {
        long start = 0;
        var range = request.Headers["Range"];
        if (range is not null)
        {
            RangesSeen.Enqueue(range);
            start = long.Parse(range["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture);
            response.StatusCode = 206;
            response.AddHeader("Content-Range", $"bytes {start}-{content.Length - 1}/{content.Length}");
        }

        response.ContentType = "application/octet-stream";
        response.AddHeader("x-linked-etag", $"\"{sha256}\"");
        response.AddHeader("Accept-Ranges", "bytes");
        response.ContentLength64 = content.Length - start;
        var stream = response.OutputStream;
        var dropAt = range is null ? DropAfterBytes : null;
        var position = (int)start;
        while (position < content.Length)
        {
            var chunk = Math.Min(4096, content.Length - position);
            if (dropAt is { } drop && position - start + chunk > drop)
            {
                await stream.WriteAsync(content.AsMemory(position, (int)(drop - (position - start))));
                await stream.FlushAsync();
                response.Abort();
                return;
            }

            await stream.WriteAsync(content.AsMemory(position, chunk));
            position += chunk;
            if (Trickle is { } delay)
            {
                await stream.FlushAsync();
                await Task.Delay(delay);
            }
        }

        response.Close();
    }

    private static async Task WriteAsync(HttpListenerResponse response, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }
}
