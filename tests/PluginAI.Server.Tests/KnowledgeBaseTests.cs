using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace PluginAI.Server.Tests;

/// <summary>Knowledge bases through the API: upload with live progress, search, and answers as <c>kb:NAME</c> models with their sources.</summary>
public sealed class KnowledgeBaseTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Upload_streams_progress_then_search_and_kb_models_answer_with_sources()
    {
        var events = await UploadAsync("handbook", ("policies/leave.md", "# Leave\n\nEmployees get 25 days of paid annual leave each year. Unused leave carries over until March."), ("policies/expenses.md", "# Expenses\n\nTravel expenses are reimbursed within 14 days when the receipt is attached."), ("tools/setup.exe", "MZ\0\0binary"));
        var progress = events.Where(e => e.Name == "progress").Select(e => e.Data).ToList();
        Assert.Contains(progress, p => p.GetProperty("kind").GetString() == "stored" && p.GetProperty("file").GetString() == "policies/leave.md");
        var done = events.Single(e => e.Name == "done").Data;
        Assert.Equal(2, done.GetProperty("added").GetInt32());
        var skipped = done.GetProperty("skipped").EnumerateArray().Single();
        Assert.Equal("tools/setup.exe", skipped.GetProperty("file").GetString());
        Assert.False(string.IsNullOrWhiteSpace(skipped.GetProperty("reason").GetString()));

        using (var list = await Client.GetAsync("v1/knowledge-bases"))
        {
            using var document = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
            var kb = document.RootElement.GetProperty("data").EnumerateArray().Single(k => k.GetProperty("name").GetString() == "handbook");
            Assert.Equal(2, kb.GetProperty("documents").GetInt32());
            Assert.Equal("kb:handbook", kb.GetProperty("model").GetString());
        }

        using (var search = await Client.GetAsync("v1/knowledge-bases/handbook/search?q=" + Uri.EscapeDataString("how many days of annual leave") + "&top=2"))
        {
            using var document = JsonDocument.Parse(await search.Content.ReadAsStringAsync());
            var first = document.RootElement.GetProperty("data")[0];
            Assert.Equal("upload:policies/leave.md", first.GetProperty("source").GetString());
            Assert.Contains("25 days", first.GetProperty("text").GetString(), StringComparison.Ordinal);
        }

        // No default chat model is registered, so kb:handbook answers extractively, citing [1].
        var sdk = new OpenAIClient(new System.ClientModel.ApiKeyCredential("x"), new OpenAIClientOptions { Endpoint = fixture.Host.ApiBase });
        ChatCompletion answer = await sdk.GetChatClient("kb:handbook").CompleteChatAsync([new UserChatMessage("How many days of annual leave do employees get?")]);
        Assert.Contains("25 days", answer.Content[0].Text, StringComparison.Ordinal);
        Assert.Contains("[1]", answer.Content[0].Text, StringComparison.Ordinal);

        // The sources come back as an extension field, numbered as the citations are; a model can be named after the slash.
        var body = JsonSerializer.Serialize(new { model = "kb:handbook/stories", messages = new[] { new { role = "user", content = "When are travel expenses reimbursed?" } }, max_tokens = 8, temperature = 0 });
        using var raw = await Client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        using var completion = JsonDocument.Parse(await raw.Content.ReadAsStringAsync());
        var sources = completion.RootElement.GetProperty("sources");
        Assert.Equal(1, sources[0].GetProperty("index").GetInt32());
        Assert.Equal("upload:policies/expenses.md", sources[0].GetProperty("source").GetString());
        Assert.Equal(8, completion.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Upload_names_that_climb_out_are_refused()
    {
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent("x"u8.ToArray());
        content.Add(file, "file", "../../etc/passwd.md");
        using var response = await Client.PostAsync("v1/knowledge-bases/handbook2/documents", content);
        var error = await ErrorTests.ReadErrorAsync(response, 400);
        Assert.Equal("invalid_file_name", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Searching_a_base_that_does_not_exist_is_a_404()
    {
        using var response = await Client.GetAsync("v1/knowledge-bases/nope/search?q=x");
        Assert.Equal("knowledge_base_not_found", (await ErrorTests.ReadErrorAsync(response, 404)).GetProperty("code").GetString());
        using var missing = await Client.GetAsync("v1/knowledge-bases/nope/search");
        Assert.Equal("q", (await ErrorTests.ReadErrorAsync(missing, 400)).GetProperty("param").GetString());
    }

    private async Task<List<(string Name, JsonElement Data)>> UploadAsync(string kb, params (string Name, string Text)[] files)
    {
        using var content = new MultipartFormDataContent();
        foreach (var (name, text) in files)
        {
            var part = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, "file", name);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/knowledge-bases/{kb}/documents") { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return await Sse.ReadEventsAsync(response);
    }
}

internal static class Sse
{
    public static async Task<List<(string Name, JsonElement Data)>> ReadEventsAsync(HttpResponseMessage response)
    {
        var events = new List<(string, JsonElement)>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var name = "message";
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var data = line["data: ".Length..];
                if (data != "[DONE]")
                {
                    using var document = JsonDocument.Parse(data);
                    events.Add((name, document.RootElement.Clone()));
                }
                else
                {
                    events.Add(("done-marker", default));
                }

                name = "message";
            }
        }

        return events;
    }
}
