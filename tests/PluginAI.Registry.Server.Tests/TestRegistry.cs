using System.Net.Http.Headers;

namespace PluginAI.Registry.Server.Tests;

/// <summary>A registry server over a temporary folder, with an HTTP client pointed at it.</summary>
internal sealed class TestRegistry : IAsyncDisposable
{
    public const string ApiKey = "test-key-0123456789";

    private TestRegistry(string folder, RegistryServerOptions options, RegistryServerHandle server)
    {
        Folder = folder;
        Options = options;
        Server = server;
        Client = new HttpClient { BaseAddress = server.BaseAddress };
    }

    public string Folder { get; }

    public RegistryServerOptions Options { get; }

    public RegistryServerHandle Server { get; private set; }

    public HttpClient Client { get; private set; }

    public static async Task<TestRegistry> StartAsync(Action<RegistryServerOptions>? configure = null)
    {
        var folder = Directory.CreateTempSubdirectory("pluginai-registry-").FullName;
        var options = new RegistryServerOptions { PackagesDirectory = Path.Combine(folder, "packages"), ApiKeys = [ApiKey] };
        configure?.Invoke(options);
        return new TestRegistry(folder, options, await RegistryServer.StartAsync(options));
    }

    public async Task RestartAsync(Action? whileStopped = null)
    {
        Client.Dispose();
        await Server.DisposeAsync();
        whileStopped?.Invoke();
        Server = await RegistryServer.StartAsync(Options);
        Client = new HttpClient { BaseAddress = Server.BaseAddress };
    }

    public async Task<HttpResponseMessage> PushAsync(byte[] package, string? key = ApiKey)
    {
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(package);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, "package", "package.nupkg");
        using var request = new HttpRequestMessage(HttpMethod.Put, "api/v2/package") { Content = content };
        if (key is not null)
        {
            request.Headers.Add("X-NuGet-ApiKey", key);
        }

        return await Client.SendAsync(request);
    }

    public async Task PushOkAsync(byte[] package)
    {
        using var response = await PushAsync(package);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key = ApiKey, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Add("X-NuGet-ApiKey", key);
        }

        return await Client.SendAsync(request);
    }

    public async Task<System.Text.Json.JsonDocument> GetJsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return System.Text.Json.JsonDocument.Parse(text);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
