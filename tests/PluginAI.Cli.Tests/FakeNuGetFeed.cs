using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PluginAI.Cli.Tests;

/// <summary>
/// A NuGet v3 HTTP feed on a loopback port with only what a package download needs: the service index, advertising
/// <c>PackageBaseAddress/3.0.0</c>, and the flat container (<c>{id}/index.json</c> and the <c>.nupkg</c> files) over
/// the packages of one folder. It publishes no PluginAI resource, so no signed index.
/// </summary>
internal sealed class FakeNuGetFeed : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _folder;

    public FakeNuGetFeed(string folder)
    {
        _folder = folder;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public string Endpoint { get; }

    public string ServiceIndex => Endpoint + "/v3/index.json";

    public ConcurrentQueue<string> RequestsSeen { get; } = new();

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
        var path = context.Request.Url!.AbsolutePath;
        RequestsSeen.Enqueue(path);
        var response = context.Response;
        try
        {
            if (path == "/v3/index.json")
            {
                await WriteAsync(response, "application/json", $$"""{ "version": "3.0.0", "resources": [ { "@id": "{{Endpoint}}/flat/", "@type": "PackageBaseAddress/3.0.0" } ] }""");
                return;
            }

            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var packages = Directory.GetFiles(_folder, "*.nupkg").Select(f => (File: f, Name: Path.GetFileNameWithoutExtension(f).ToLowerInvariant())).ToList();
            if (parts is ["flat", var id, "index.json"])
            {
                var versions = packages.Where(p => p.Name.StartsWith(id + ".", StringComparison.Ordinal)).Select(p => $"\"{p.Name[(id.Length + 1)..]}\"");
                if (!versions.Any())
                {
                    response.StatusCode = 404;
                    response.Close();
                    return;
                }

                await WriteAsync(response, "application/json", $$"""{ "versions": [ {{string.Join(", ", versions)}} ] }""");
                return;
            }

            if (parts is ["flat", var packageId, var version, var file] && file == $"{packageId}.{version}.nupkg"
                && packages.FirstOrDefault(p => p.Name == $"{packageId}.{version}") is { File: not null } match)
            {
                var bytes = await File.ReadAllBytesAsync(match.File);
                response.ContentType = "application/octet-stream";
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes);
                response.Close();
                return;
            }

            response.StatusCode = 404;
            response.Close();
        }
        catch (HttpListenerException)
        {
        }
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
