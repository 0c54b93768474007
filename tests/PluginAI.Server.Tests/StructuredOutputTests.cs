#pragma warning disable OPENAI001 // ChatCompletionOptions.Seed is marked for evaluation in the SDK; the server honours it.
using System.ClientModel;
using System.ComponentModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI;
using OpenAI.Chat;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;

namespace PluginAI.Server.Tests;

/// <summary>response_format and tools, enforced by a grammar, through the OpenAI SDK, Semantic Kernel and raw HTTP.</summary>
public sealed class StructuredOutputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string PetSchema = """
        {
          "type": "object",
          "properties": {
            "name": { "type": "string", "maxLength": 24 },
            "age": { "type": "integer" },
            "kind": { "type": "string", "enum": ["cat", "dog", "bird"] },
            "friendly": { "type": "array", "items": { "type": "boolean" }, "maxItems": 3 }
          },
          "required": ["name", "age", "kind", "friendly"],
          "additionalProperties": false
        }
        """;

    private const string WeatherParameters = """
        {
          "type": "object",
          "properties": {
            "city": { "type": "string", "enum": ["Paris", "Oslo", "Lima"] },
            "days": { "type": "integer" }
          },
          "required": ["city", "days"]
        }
        """;

    private OpenAIClient Sdk => new(new ApiKeyCredential("unused-on-loopback"), new OpenAIClientOptions { Endpoint = fixture.Host.ApiBase });

    private HttpClient Client => fixture.Host.Client;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Json_schema_output_parses_and_matches_the_schema(long seed)
    {
        var client = Sdk.GetChatClient(ServerHost.Model);
        var options = new ChatCompletionOptions
        {
            MaxOutputTokenCount = 300,
            Temperature = 0.8f,
            Seed = seed,
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("pet", BinaryData.FromString(PetSchema), jsonSchemaIsStrict: true),
        };
        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Describe a pet as JSON.")], options);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);

        using var document = JsonDocument.Parse(completion.Content[0].Text);
        var root = document.RootElement;
        Assert.Equal(["name", "age", "kind", "friendly"], root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.True(root.GetProperty("name").GetString()!.Length <= 24);
        Assert.True(root.GetProperty("age").TryGetInt64(out _));
        Assert.Contains(root.GetProperty("kind").GetString(), new[] { "cat", "dog", "bird" });
        var friendly = root.GetProperty("friendly");
        Assert.True(friendly.GetArrayLength() <= 3);
        Assert.All(friendly.EnumerateArray(), e => Assert.True(e.ValueKind is JsonValueKind.True or JsonValueKind.False));
    }

    [Fact]
    public async Task Json_object_output_is_a_json_object()
    {
        var body = JsonSerializer.Serialize(new
        {
            model = ServerHost.Model,
            messages = new[] { new { role = "user", content = "Answer in JSON." } },
            max_tokens = 300,
            temperature = 0,
            response_format = new { type = "json_object" },
        });
        using var response = await PostJsonAsync("v1/chat/completions", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choice = document.RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        using var answer = JsonDocument.Parse(choice.GetProperty("message").GetProperty("content").GetString()!);
        Assert.Equal(JsonValueKind.Object, answer.RootElement.ValueKind);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"zip":{"type":"string","pattern":"^[0-9]{5}$"}}}""", "pattern")]
    [InlineData("""{"type":"object","properties":{"n":{"type":"integer","minimum":3}}}""", "minimum")]
    [InlineData("""{"type":"object","properties":{"n":{"not":{"type":"string"}}}}""", "not")]
    public async Task A_schema_that_cannot_be_enforced_is_a_400_naming_the_construct(string schema, string construct)
    {
        var body = """{"model":"@MODEL","messages":[{"role":"user","content":"hi"}],"max_tokens":8,"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":@SCHEMA}}}""".Replace("@MODEL", ServerHost.Model, StringComparison.Ordinal).Replace("@SCHEMA", schema, StringComparison.Ordinal);
        using var response = await PostJsonAsync("v1/chat/completions", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = document.RootElement.GetProperty("error");
        Assert.Equal("response_format", error.GetProperty("param").GetString());
        Assert.Contains($"'{construct}'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tool_schema_that_cannot_be_enforced_is_a_400_naming_the_construct()
    {
        var body = """{"model":"@MODEL","messages":[{"role":"user","content":"hi"}],"max_tokens":8,"tool_choice":"required","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"n":{"type":"number","multipleOf":2}}}}}]}""".Replace("@MODEL", ServerHost.Model, StringComparison.Ordinal);
        using var response = await PostJsonAsync("v1/chat/completions", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = document.RootElement.GetProperty("error");
        Assert.Equal("tools", error.GetProperty("param").GetString());
        Assert.Contains("'multipleOf'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_required_tool_call_has_arguments_that_match_the_tool_schema()
    {
        var client = Sdk.GetChatClient(ServerHost.Model);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 200, Temperature = 0, ToolChoice = ChatToolChoice.CreateRequiredChoice() };
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather forecast for a city", BinaryData.FromString(WeatherParameters)));
        options.Tools.Add(ChatTool.CreateFunctionTool("get_time", "The time now", BinaryData.FromString("""{"type":"object","properties":{}}""")));
        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("What is the weather in Paris?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.StartsWith("call_", call.Id, StringComparison.Ordinal);
        using var arguments = JsonDocument.Parse(call.FunctionArguments);
        if (call.FunctionName == "get_weather")
        {
            Assert.Contains(arguments.RootElement.GetProperty("city").GetString(), new[] { "Paris", "Oslo", "Lima" });
            Assert.True(arguments.RootElement.GetProperty("days").TryGetInt64(out _));
        }
        else
        {
            Assert.Equal("get_time", call.FunctionName);
            Assert.Empty(arguments.RootElement.EnumerateObject());
        }
    }

    [Fact]
    public async Task A_named_tool_call_streams_as_tool_call_deltas_without_the_call_syntax_in_the_text()
    {
        var client = Sdk.GetChatClient(ServerHost.Model);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 200, Temperature = 0, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather") };
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather forecast for a city", BinaryData.FromString(WeatherParameters)));

        var text = new StringBuilder();
        var arguments = new StringBuilder();
        string? name = null;
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Weather in Oslo?")], options))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            foreach (var call in update.ToolCallUpdates)
            {
                name ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal("get_weather", name);
        Assert.DoesNotContain("tool_call", text.ToString(), StringComparison.Ordinal);
        using var parsed = JsonDocument.Parse(arguments.ToString());
        Assert.Contains(parsed.RootElement.GetProperty("city").GetString(), new[] { "Paris", "Oslo", "Lima" });
    }

    [Fact]
    public async Task Tool_choice_none_answers_in_text()
    {
        var body = """{"model":"@MODEL","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":16,"temperature":0,"tool_choice":"none","tools":[{"type":"function","function":{"name":"get_weather","parameters":@PARAMETERS}}]}""".Replace("@MODEL", ServerHost.Model, StringComparison.Ordinal).Replace("@PARAMETERS", WeatherParameters, StringComparison.Ordinal);
        using var response = await PostJsonAsync("v1/chat/completions", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choice = document.RootElement.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.False(choice.GetProperty("message").TryGetProperty("tool_calls", out _));
        Assert.False(string.IsNullOrWhiteSpace(choice.GetProperty("message").GetProperty("content").GetString()));
    }

    [Fact]
    public async Task Semantic_kernel_calls_a_kernel_function_through_the_openai_connector()
    {
        var calls = new List<bool>();
        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatCompletion(ServerHost.Model, Sdk);
        var kernel = builder.Build();
        kernel.Plugins.AddFromFunctions("lights", [
            KernelFunctionFactory.CreateFromMethod(
                ([Description("Whether the lights should be on")] bool on) =>
                {
                    lock (calls)
                    {
                        calls.Add(on);
                    }

                    return on ? "The lights are on." : "The lights are off.";
                },
                "switch_lights",
                "Switches the lights on or off"),
        ]);

        var settings = new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Required(), MaxTokens = 200, Temperature = 0 };
        var result = await kernel.InvokePromptAsync("Please switch on the lights.", new KernelArguments(settings));

        Assert.True(calls.Count == 1, $"calls: {calls.Count}; answer: {result}");
        Assert.NotNull(result.GetValue<string>());
    }

    private Task<HttpResponseMessage> PostJsonAsync(string path, string body) =>
        Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
}
