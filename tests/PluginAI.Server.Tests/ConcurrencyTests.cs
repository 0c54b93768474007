using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenAI;
using OpenAI.Chat;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Host.Planning;
using PluginAI.Runtime.Models;
using PluginAI.TestSupport;

namespace PluginAI.Server.Tests;

/// <summary>Continuous batching seen from outside: concurrent streams, disconnects and a full queue.</summary>
[Collection(MetricsCollection.Name)]
public sealed partial class ConcurrencyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private OpenAIClient Sdk => new(new ApiKeyCredential("unused-on-loopback"), new OpenAIClientOptions { Endpoint = fixture.Host.ApiBase });

    [Fact]
    public async Task Four_concurrent_greedy_streams_are_token_for_token_what_each_gives_alone()
    {
        var client = Sdk.GetChatClient(ServerHost.Model);
        var prompts = new[] { "Once upon a time", "The little dog", "Lily and Ben went to the park", "Tom had a red ball" };
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 60, Temperature = 0 };

        var alone = new List<string>();
        foreach (var prompt in prompts)
        {
            ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage(prompt)], options);
            alone.Add(completion.Content[0].Text);
        }

        var together = await Task.WhenAll(prompts.Select(async prompt =>
        {
            var text = new StringBuilder();
            await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage(prompt)], options))
            {
                foreach (var part in update.ContentUpdate)
                {
                    text.Append(part.Text);
                }
            }

            return text.ToString();
        }));

        Assert.Equal(alone, together);
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_stream_frees_its_sequence()
    {
        // stories260K ends its stories after a few hundred tokens; a model whose greedy output never ends, a large
        // context and a large token cap keep generation going when the client leaves.
        await using var host = await ServerHost.StartAsync(o => o.MaxTokens = 8000);
        var endless = Path.Combine(host.Root, "endless.gguf");
        TinyLlamaModel.Write(endless, new TinyLlamaModelOptions { GreedyNeverEnds = true, ContextLength = 8192, EmbeddingLength = 256, FeedForwardLength = 512, BlockCount = 4 });
        host.Services.GetRequiredService<ModelService>().Add("endless", endless);
        var body = JsonSerializer.Serialize(new { model = "endless", messages = new[] { new { role = "user", content = "Once upon a time" } }, max_tokens = 8000, temperature = 0, stream = true });
        // HttpClient would otherwise read up to 1 MiB of what is left to keep the connection: leaving must close it.
        using var leaving = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = host.Client.BaseAddress };
        using (var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") })
        using (var response = await leaving.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var chunks = 0;
            while (chunks < 3 && await reader.ReadLineAsync() is { } line)
            {
                chunks += line.StartsWith("data: ", StringComparison.Ordinal) ? 1 : 0;
            }

            Assert.Equal(3, chunks);
        }

        // The sequence and its KV cells go as soon as the server sees the connection close.
        string metrics;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(100);
            metrics = await host.Client.GetStringAsync("metrics");
        }
        while (!(Freed(metrics) && metrics.Contains("status=\"499\"", StringComparison.Ordinal)) && DateTime.UtcNow < deadline);

        var relevant = string.Join('\n', metrics.Split('\n').Where(l => l.StartsWith("pluginai_server_requests_total", StringComparison.Ordinal) || l.Contains("active_", StringComparison.Ordinal) || l.StartsWith("pluginai_llama_tokens_total", StringComparison.Ordinal)));
        Assert.True(metrics.Contains("route=\"/v1/chat/completions\",status=\"499\"", StringComparison.Ordinal), relevant);
        Assert.True(ActiveGenerations().IsMatch(metrics), relevant);
        Assert.True(ActiveSequences().IsMatch(metrics), relevant);

        // Far fewer tokens were generated than asked for, and the slot is usable again.
        var generated = CompletionTokens().Match(metrics);
        Assert.True(generated.Success && long.Parse(generated.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is > 0 and < 8000, relevant);
        using var next = await host.Client.PostAsync("v1/chat/completions", new StringContent(JsonSerializer.Serialize(new { model = "endless", messages = new[] { new { role = "user", content = "The cat" } }, max_tokens = 8 }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);

        static bool Freed(string text) => ActiveGenerations().IsMatch(text) && ActiveSequences().IsMatch(text);
    }

    [Fact]
    public async Task A_flood_beyond_the_queue_gets_429_with_retry_after_and_the_rest_are_answered()
    {
        await using var host = await ServerHost.StartAsync(o => o.Plan = new PlanOverrides { ParallelSequences = 1, QueueLimit = 1 });
        var body = JsonSerializer.Serialize(new { model = ServerHost.Model, messages = new[] { new { role = "user", content = "Once upon a time" } }, max_tokens = 200, temperature = 0 });

        // Loads the model first, so that the flood meets the scheduler rather than the loader.
        using (var warm = await host.Client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.Client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"))));
        try
        {
            var rejected = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            Assert.NotEmpty(rejected);
            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
            Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"unexpected {(int)r.StatusCode}"));
            foreach (var response in rejected)
            {
                Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "429 without Retry-After");
                using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal("rate_limit_exceeded", document.RootElement.GetProperty("error").GetProperty("code").GetString());
            }
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [GeneratedRegex("pluginai_server_active_generations\\{[^}]*\\} 0\\b")]
    private static partial Regex ActiveGenerations();

    [GeneratedRegex("pluginai_llama_tokens_total\\{[^}]*model=\"endless\"[^}]*\\} ([0-9]+)")]
    private static partial Regex CompletionTokens();

    [GeneratedRegex("pluginai_llama_active_sequences\\{[^}]*model=\"endless\"[^}]*\\} 0\\b")]
    private static partial Regex ActiveSequences();
}
