using System.Net;
using System.Text;
using System.Text.Json;

namespace PluginAI.Server.Tests;

/// <summary><c>/health</c>, <c>/metrics</c> and the legacy <c>/v1/completions</c> route.</summary>
[Collection(MetricsCollection.Name)]
public sealed class HealthAndMetricsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Health_is_ok_once_the_plugins_are_loaded()
    {
        using var response = await Client.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"ok\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_count_requests_by_route_and_status_and_show_pooled_models_and_token_timings()
    {
        var body = JsonSerializer.Serialize(new { model = ServerHost.Model, messages = new[] { new { role = "user", content = "Once upon a time" } }, max_tokens = 8, stream = true });
        using (var response = await Client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json")))
        {
            var events = await Sse.ReadEventsAsync(response);
            Assert.Equal("done-marker", events[^1].Name);
        }

        using (await Client.GetAsync("v1/models/nope"))
        {
        }

        var metrics = await Client.GetStringAsync("metrics");
        Assert.Contains("pluginai_server_requests_total{otel_scope_name=\"PluginAI.Server\",method=\"POST\",route=\"/v1/chat/completions\",status=\"200\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("route=\"/v1/models/{**id}\",status=\"404\"", metrics, StringComparison.Ordinal);
        Assert.Contains("pluginai_server_time_to_first_token_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("pluginai_server_request_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Matches("pluginai_models_memory_bytes\\{[^}]*model=\"stories\"\\} [1-9]", metrics);
        Assert.Matches("pluginai_server_completion_tokens_total\\{[^}]*model=\"stories\"\\} [1-9]", metrics);
    }

    [Fact]
    public async Task Metrics_count_calls_into_a_plugin_worker_by_plugin()
    {
        // The redaction postprocessor runs in a worker process of its own; every chat answer goes through it.
        await using var host = await ServerHost.StartAsync(configureApp: o => o.Host.Isolation["PluginAI.Redaction"] = PluginAI.Manifest.PluginIsolation.OutOfProcess);
        var body = JsonSerializer.Serialize(new { model = ServerHost.Model, messages = new[] { new { role = "user", content = "Once upon a time" } }, max_tokens = 8, stream = true });
        using (var response = await host.Client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json")))
        {
            var events = await Sse.ReadEventsAsync(response);
            Assert.Equal("done-marker", events[^1].Name);
        }

        var metrics = await host.Client.GetStringAsync("metrics");
        Assert.Matches("pluginai_worker_calls_total\\{[^}]*method=\"Postprocess\"[^}]*plugin=\"PluginAI.Redaction\"[^}]*\\} [1-9]", metrics);
    }

    [Fact]
    public async Task Text_completions_continue_the_prompt_streaming_and_not()
    {
        var body = JsonSerializer.Serialize(new { model = ServerHost.Model, prompt = "Once upon a time", max_tokens = 12, temperature = 0 });
        using var response = await Client.PostAsync("v1/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("text_completion", document.RootElement.GetProperty("object").GetString());
        var text = document.RootElement.GetProperty("choices")[0].GetProperty("text").GetString();
        Assert.False(string.IsNullOrWhiteSpace(text));
        Assert.Equal(12, document.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        var streamBody = JsonSerializer.Serialize(new { model = ServerHost.Model, prompt = "Once upon a time", max_tokens = 12, temperature = 0, stream = true });
        using var streamed = await Client.PostAsync("v1/completions", new StringContent(streamBody, Encoding.UTF8, "application/json"));
        var events = await Sse.ReadEventsAsync(streamed);
        var joined = string.Concat(events.Where(e => e.Name == "message").Select(e => e.Data.GetProperty("choices")[0].GetProperty("text").GetString()));
        Assert.Equal(text, joined);
    }
}
