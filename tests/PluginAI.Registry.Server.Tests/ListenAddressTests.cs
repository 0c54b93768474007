namespace PluginAI.Registry.Server.Tests;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("http://[::1:5000")]
    [InlineData("127.0.0.1:5000")]
    [InlineData("ftp://127.0.0.1:5000")]
    [InlineData("http://127.0.0.1:99999")]
    [InlineData("http://registry.example:5000")]
    [InlineData("")]
    public async Task StartAsync_WithAnUnreadableListenAddress_NamesItBeforeTouchingTheFolder(string url)
    {
        var folder = Path.Combine(Path.GetTempPath(), "pluginai-registry-urls-" + Guid.NewGuid().ToString("N"));
        var options = new RegistryServerOptions { PackagesDirectory = folder, Urls = [url] };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => RegistryServer.StartAsync(options));

        Assert.Contains($"Urls: '{url}' is not a listen address; expected http://HOST:PORT", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder), "the packages folder was created for a server that cannot start");
    }

    [Theory]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://[::1]:0")]
    public async Task StartAsync_WithLoopbackAddresses_Listens(string url)
    {
        var folder = Directory.CreateTempSubdirectory("pluginai-registry-").FullName;
        try
        {
            await using var server = await RegistryServer.StartAsync(new RegistryServerOptions { PackagesDirectory = Path.Combine(folder, "packages"), Urls = [url] });
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            using var response = await client.GetAsync("v3/index.json");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
