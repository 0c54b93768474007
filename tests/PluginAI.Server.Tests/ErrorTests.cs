using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PluginAI.Server.Tests;

/// <summary>Every refusal over raw HTTP: the status, and OpenAI's error shape naming the parameter.</summary>
public sealed class ErrorTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Host.Client;

    [Theory]
    [InlineData("{bad", 400, null, "invalid_json")]
    [InlineData("[1,2]", 400, null, "invalid_json")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", 400, "model", "missing_required_parameter")]
    [InlineData("""{"model":"nope","messages":[{"role":"user","content":"hi"}]}""", 404, "model", "model_not_found")]
    [InlineData("""{"model":"kb:nope","messages":[{"role":"user","content":"hi"}]}""", 404, "model", "model_not_found")]
    [InlineData("""{"model":"/etc/passwd","messages":[{"role":"user","content":"hi"}]}""", 404, "model", "model_not_found")]
    [InlineData("""{"model":"stories","messages":[]}""", 400, "messages", "invalid_parameter")]
    [InlineData("""{"model":"stories","messages":[{"role":"wizard","content":"hi"}]}""", 400, "messages[0].role", "invalid_parameter")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", 400, "messages[0].content[0]", "invalid_parameter")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"temperature":7}""", 400, "temperature", "invalid_parameter")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", 400, "max_tokens", "invalid_parameter")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"max_tokens":1000000}""", 400, "max_tokens", "invalid_parameter")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"n":2}""", 400, "n", "invalid_parameter")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"stop":["a","b","c","d","e"]}""", 400, "stop", "invalid_parameter")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"yaml"}}""", 400, "response_format.type", "invalid_parameter")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"tool_choice":"required"}""", 400, "tool_choice", "invalid_parameter")]
    [InlineData("""{"model":"stories","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"a b"}}]}""", 400, "tools[0].function.name", "invalid_parameter")]
    [InlineData("""{"model":"stories","messages":[{"role":"tool","content":"42"}]}""", 400, "messages[0].tool_call_id", "missing_required_parameter")]
    public async Task Chat_completions_refuse_bad_requests_with_the_reason(string body, int status, string? param, string code)
    {
        using var response = await PostJsonAsync("v1/chat/completions", body);
        var error = await ReadErrorAsync(response, status);
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(status >= 500 ? "server_error" : "invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_is_a_400_saying_so()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("Once upon a time there was a little girl named Lily.", 400));
        var body = JsonSerializer.Serialize(new { model = ServerHost.Model, messages = new[] { new { role = "user", content = prompt } }, max_tokens = 4 });
        using var response = await PostJsonAsync("v1/chat/completions", body);
        var error = await ReadErrorAsync(response, 400);
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("tokens", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embedding_requests_name_the_bad_parameter()
    {
        using (var response = await PostJsonAsync("v1/embeddings", """{"model":"all-minilm-l6-v2","input":[1,2,3]}"""))
        {
            Assert.Equal("input", (await ReadErrorAsync(response, 400)).GetProperty("param").GetString());
        }

        using (var response = await PostJsonAsync("v1/embeddings", """{"model":"all-minilm-l6-v2","input":"x","encoding_format":"hex"}"""))
        {
            Assert.Equal("encoding_format", (await ReadErrorAsync(response, 400)).GetProperty("param").GetString());
        }

        using (var response = await PostJsonAsync("v1/embeddings", """{"model":"text-embedding-3-small","input":"x"}"""))
        {
            Assert.Equal("model", (await ReadErrorAsync(response, 404)).GetProperty("param").GetString());
        }
    }

    [Fact]
    public async Task Form_and_text_bodies_are_refused_so_web_pages_cannot_post_without_asking()
    {
        using var form = await Client.PostAsync("v1/chat/completions", new StringContent("""{"model":"stories"}""", Encoding.UTF8, "text/plain"));
        Assert.Equal("unsupported_media_type", (await ReadErrorAsync(form, 415)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Unknown_routes_and_models_are_404s_in_OpenAIs_shape()
    {
        using (var response = await Client.GetAsync("v1/nothing-here"))
        {
            Assert.Equal("unknown_route", (await ReadErrorAsync(response, 404)).GetProperty("code").GetString());
        }

        using (var response = await Client.GetAsync("v1/models/nope"))
        {
            Assert.Equal("model_not_found", (await ReadErrorAsync(response, 404)).GetProperty("code").GetString());
        }

        using (var response = await PostJsonAsync("v1/chat/completions", """{"model":"acme/tiny-GGUF","messages":[{"role":"user","content":"hi"}]}"""))
        {
            Assert.Contains("'pluginai models pull hf:acme/tiny-GGUF'", (await ReadErrorAsync(response, 404)).GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_before_it_is_read()
    {
        await using var host = await ServerHost.StartAsync(o => o.MaxRequestBodyBytes = 4096);
        var body = JsonSerializer.Serialize(new { model = ServerHost.Model, messages = new[] { new { role = "user", content = new string('a', 10_000) } } });
        using var response = await host.Client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal("request_too_large", (await ReadErrorAsync(response, 413)).GetProperty("code").GetString());

        // Sent without a length, the limit still holds while reading.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))) };
        chunked.Content.Headers.ContentType = new("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        using var streamed = await host.Client.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
    }

    internal static async Task<JsonElement> ReadErrorAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("error").Clone();
    }

    private Task<HttpResponseMessage> PostJsonAsync(string path, string body) =>
        Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
}
