namespace PluginAI.Cli.Tests;

public sealed class RegistryServeOptionsTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "pluginai-cli-serve", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public async Task IndexLifetimeOfZeroDays_IsRefusedWithAClearError()
    {
        var (code, _, error) = await PluginAICli.RunAsync(_home, "registry", "serve", "--index-lifetime-days", "0");

        Assert.NotEqual(0, code);
        Assert.Contains("--index-lifetime-days is 0; expected a whole number of days, 1 or more", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("localhost-8080")]
    [InlineData("ftp://127.0.0.1:5000")]
    public async Task Urls_Unparseable_IsRefusedNamingTheValue(string url)
    {
        var (code, _, error) = await PluginAICli.RunAsync(_home, "registry", "serve", "--urls", url);

        Assert.Equal(1, code);
        Assert.Contains($"--urls '{url}' is not a listen address; expected http://HOST:PORT, such as http://127.0.0.1:5225", error, StringComparison.Ordinal);
        Assert.DoesNotContain("nexpected", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Urls_BeyondLoopbackWithoutAKey_IsRefused()
    {
        var (code, _, error) = await PluginAICli.RunAsync(_home, "registry", "serve", "--urls", "http://0.0.0.0:0");

        Assert.Equal(1, code);
        Assert.Contains("Refusing to listen on http://0.0.0.0:0: the address is reachable from other machines and no API key is set", error, StringComparison.Ordinal);
        Assert.DoesNotContain("nexpected", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeyFile_MissingOrEmpty_IsRefusedNamingTheFile()
    {
        Directory.CreateDirectory(_home);
        var missing = Path.Combine(_home, "nope.keys");
        var empty = Path.Combine(_home, "empty.keys");
        await File.WriteAllTextAsync(empty, "# no keys yet\n\n");

        var (missingCode, _, missingError) = await PluginAICli.RunAsync(_home, "registry", "serve", "--api-key-file", missing);
        var (emptyCode, _, emptyError) = await PluginAICli.RunAsync(_home, "registry", "serve", "--api-key-file", empty);

        Assert.NotEqual(0, missingCode);
        Assert.Contains($"{missing}: the API key file does not exist", missingError, StringComparison.Ordinal);
        Assert.NotEqual(0, emptyCode);
        Assert.Contains($"{empty}: the API key file holds no key", emptyError, StringComparison.Ordinal);
    }
}
