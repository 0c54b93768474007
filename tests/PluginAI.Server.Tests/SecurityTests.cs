using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace PluginAI.Server.Tests;

/// <summary>Loopback by default, keys beyond it, Bearer keys compared in constant time, CORS off unless configured.</summary>
public sealed class SecurityTests
{
    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:0")]
    [InlineData("http://+:0")]
    [InlineData("http://192.168.1.10:0")]
    public async Task Listening_beyond_loopback_without_a_key_is_refused(string url)
    {
        var options = new PluginAIServerOptions();
        options.Urls.Add(url);
        var error = await Assert.ThrowsAsync<PluginAIServerException>(() => PluginAIServer.StartAsync(options, _ => { }));
        Assert.Contains("no API key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:8080")]
    [InlineData("ftp://127.0.0.1:21")]
    [InlineData("http://127.0.0.1:8080/v1")]
    public async Task A_listen_address_that_is_not_one_is_named(string url)
    {
        var options = new PluginAIServerOptions();
        options.Urls.Add(url);
        var error = await Assert.ThrowsAsync<PluginAIServerException>(() => PluginAIServer.StartAsync(options, _ => { }));
        Assert.Contains($"'{url}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_is_reported_as_such()
    {
        await using var first = await ServerHost.StartAsync();
        var taken = first.Server.BaseAddress.ToString().TrimEnd('/');
        var error = await Assert.ThrowsAsync<PluginAIServerException>(() => ServerHost.StartAsync(o =>
        {
            o.Urls.Clear();
            o.Urls.Add(taken);
        }));
        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_keys_every_route_but_health_needs_a_valid_bearer_key()
    {
        await using var host = await ServerHost.StartAsync(o =>
        {
            o.ApiKeys.Add("first-key");
            o.ApiKeys.Add("second-key");
        });
        using var anonymous = new HttpClient { BaseAddress = host.Server.BaseAddress };
        using (var health = await anonymous.GetAsync("health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using (var missing = await anonymous.GetAsync("v1/models"))
        {
            var error = await ErrorTests.ReadErrorAsync(missing, 401);
            Assert.Equal("missing_api_key", error.GetProperty("code").GetString());
            Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        }

        foreach (var wrong in new[] { "first-ke", "first-key2", "FIRST-KEY", "Basic Zmlyc3Qta2V5" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
            request.Headers.TryAddWithoutValidation("Authorization", wrong.StartsWith("Basic", StringComparison.Ordinal) ? wrong : $"Bearer {wrong}");
            using var response = await anonymous.SendAsync(request);
            Assert.Equal("invalid_api_key", (await ErrorTests.ReadErrorAsync(response, 401)).GetProperty("code").GetString());
        }

        using (var metrics = await anonymous.GetAsync("metrics"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        }

        foreach (var key in new[] { "first-key", "second-key" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Cors_is_off_unless_an_origin_is_configured()
    {
        await using (var closed = await ServerHost.StartAsync())
        {
            using var preflight = Preflight("http://evil.example");
            using var response = await closed.Client.SendAsync(preflight);
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        }

        await using var open = await ServerHost.StartAsync(o => o.CorsOrigins.Add("http://localhost:3000"));
        using (var allowed = await open.Client.SendAsync(Preflight("http://localhost:3000")))
        {
            Assert.Equal("http://localhost:3000", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }

        using var other = await open.Client.SendAsync(Preflight("http://evil.example"));
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "v1/chat/completions") { Content = new StringContent(string.Empty, Encoding.UTF8) };
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }
}
