using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using PluginAI.Backends.Llama.Internal;

namespace PluginAI.Backends.Llama.Tests;

/// <summary>Structured output and tool calls end to end, on the real trained model stories260K.</summary>
public sealed class StructuredOutputTests(StoriesModelFixture fixture) : IClassFixture<StoriesModelFixture>
{
    private const string PetSchema = """
        {"type":"object","properties":{
            "name":{"type":"string","maxLength":16},
            "age":{"type":"integer"},
            "kind":{"type":"string","enum":["cat","dog","bird"]},
            "flags":{"type":"array","items":{"type":"boolean"},"maxItems":4}},
         "required":["name","age","kind","flags"],"additionalProperties":false}
        """;

    private static readonly ChatMessage[] s_story = [new(ChatRole.User, "Once upon a time there was a little cat.")];

    private IChatClient Client => fixture.Model.ChatClient!;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task JsonSchema_OutputParsesAndMatchesTheSchema(int seed)
    {
        var options = new ChatOptions
        {
            Seed = seed,
            Temperature = 0.8f,
            MaxOutputTokens = 300,
            ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonSchemaConverterTests.Parse(PetSchema), "pet"),
        };

        var response = await Client.GetResponseAsync(s_story, options);

        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        using var document = JsonDocument.Parse(response.Text);
        var root = document.RootElement;
        Assert.Equal(["name", "age", "kind", "flags"], root.EnumerateObject().Select(p => p.Name));
        Assert.True(root.GetProperty("name").GetString()!.Length <= 16);
        root.GetProperty("age").GetInt64();
        Assert.Contains(root.GetProperty("kind").GetString(), new[] { "cat", "dog", "bird" });
        var flags = root.GetProperty("flags").EnumerateArray().ToList();
        Assert.True(flags.Count <= 4);
        Assert.All(flags, f => Assert.True(f.ValueKind is JsonValueKind.True or JsonValueKind.False));
    }

    [Fact]
    public async Task JsonObject_OutputParsesAsAnObject()
    {
        var parsed = 0;
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var response = await Client.GetResponseAsync(s_story, new ChatOptions { Seed = seed, MaxOutputTokens = 300, ResponseFormat = ChatResponseFormat.Json });

            Assert.StartsWith("{", response.Text, StringComparison.Ordinal);
            if (response.FinishReason == ChatFinishReason.Stop)
            {
                using var document = JsonDocument.Parse(response.Text);
                Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
                parsed++;
            }
        }

        Assert.True(parsed > 0, "no seed finished its JSON object within 300 tokens");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RequireAny_YieldsACallWhoseArgumentsMatchThatTool(int seed)
    {
        var options = new ChatOptions { Seed = seed, MaxOutputTokens = 300, Tools = JsonSchemaConverterTests.Tools(), ToolMode = ChatToolMode.RequireAny };

        var response = await Client.GetResponseAsync(s_story, options);

        Assert.True(response.FinishReason == ChatFinishReason.ToolCalls, $"{response.FinishReason} after {response.Usage?.InputTokenCount} + {response.Usage?.OutputTokenCount} tokens: {response.Text}");
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.StartsWith("call_", call.CallId, StringComparison.Ordinal);
        Assert.DoesNotContain("<tool_call>", response.Text, StringComparison.Ordinal);
        var arguments = call.Arguments!;
        if (call.Name == "get_weather")
        {
            Assert.Equal(["city", "days"], arguments.Keys);
            Assert.True(((JsonElement)arguments["city"]!).GetString()!.Length <= 12);
            ((JsonElement)arguments["days"]!).GetInt64();
        }
        else
        {
            Assert.Equal("set_alarm", call.Name);
            Assert.Equal(["loud"], arguments.Keys);
            Assert.True(((JsonElement)arguments["loud"]!).ValueKind is JsonValueKind.True or JsonValueKind.False);
        }
    }

    [Fact]
    public async Task RequireAny_CutOffByMaxTokensGivesTheTextAndLengthNotACall()
    {
        var options = new ChatOptions { Seed = 1, MaxOutputTokens = 12, Tools = JsonSchemaConverterTests.Tools(), ToolMode = ChatToolMode.RequireAny };

        var response = await Client.GetResponseAsync(s_story, options);

        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.StartsWith("<tool_call>", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireSpecific_CallsThatTool()
    {
        var options = new ChatOptions { Seed = 7, MaxOutputTokens = 300, Tools = JsonSchemaConverterTests.Tools(), ToolMode = ChatToolMode.RequireSpecific("set_alarm") };

        var response = await Client.GetResponseAsync(s_story, options);

        Assert.Equal("set_alarm", Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()).Name);
    }

    [Fact]
    public async Task Streaming_YieldsTheCallOnceAtTheEndAndNoCallText()
    {
        var options = new ChatOptions { Seed = 11, MaxOutputTokens = 300, Tools = JsonSchemaConverterTests.Tools(), ToolMode = ChatToolMode.RequireAny };
        var updates = new List<ChatResponseUpdate>();

        await foreach (var update in Client.GetStreamingResponseAsync(s_story, options))
        {
            updates.Add(update);
        }

        Assert.All(updates, u => Assert.DoesNotContain("tool_call", u.Text, StringComparison.Ordinal));
        var withCall = Assert.Single(updates, u => u.Contents.OfType<FunctionCallContent>().Any());
        Assert.Same(updates[^1], withCall);
        Assert.Equal(ChatFinishReason.ToolCalls, withCall.FinishReason);
    }

    [Fact]
    public async Task Auto_WithToolsGivesTextOrACall()
    {
        foreach (var seed in new[] { 1, 2 })
        {
            var options = new ChatOptions { Seed = seed, MaxOutputTokens = 120, Tools = JsonSchemaConverterTests.Tools(), ToolMode = ChatToolMode.Auto };

            var response = await Client.GetResponseAsync(s_story, options);

            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            if (calls.Count > 0)
            {
                Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(response.Text));
                Assert.False(response.Text.StartsWith('<'));
            }
        }
    }

    [Fact]
    public async Task ToolModeNone_YieldsPlainText()
    {
        var options = new ChatOptions { Seed = 3, MaxOutputTokens = 60, Tools = JsonSchemaConverterTests.Tools(), ToolMode = ChatToolMode.None };

        var response = await Client.GetResponseAsync(s_story, options);

        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.NotEqual(ChatFinishReason.ToolCalls, response.FinishReason);
    }

    [Fact]
    public async Task ToolModeNone_LeavesThePromptWithoutToolInstructions()
    {
        var plain = await Client.GetResponseAsync(s_story, new ChatOptions { Seed = 3, MaxOutputTokens = 4 });
        var none = await Client.GetResponseAsync(s_story, new ChatOptions { Seed = 3, MaxOutputTokens = 4, Tools = JsonSchemaConverterTests.Tools(), ToolMode = ChatToolMode.None });

        Assert.Equal(plain.Usage!.InputTokenCount, none.Usage!.InputTokenCount);
        Assert.Equal(plain.Text, none.Text);
    }

    [Fact]
    public async Task RawPrompt_IsTokenizedAsIsWithoutTemplate()
    {
        const string Text = "Once upon a time, there was a big dog named Max.";
        var options = new ChatOptions { Seed = 1, MaxOutputTokens = 10, AdditionalProperties = new() { [PromptFormatter.RawPromptKey] = true } };
        var client = (LlamaChatClient)Client;
        var weights = ((LlamaModel)fixture.Model).Weights;
        var expected = client.Context.Tokenize(Text, addBos: weights.Vocab.ShouldAddBOS, special: true).Length;

        var raw = await Client.GetResponseAsync([new ChatMessage(ChatRole.User, Text)], options);
        var chat = await Client.GetResponseAsync([new ChatMessage(ChatRole.User, Text)], new ChatOptions { Seed = 1, MaxOutputTokens = 10 });

        Assert.Equal(expected, raw.Usage!.InputTokenCount);
        Assert.True(chat.Usage!.InputTokenCount > expected, "the chat prompt should carry the transcript's role labels");
    }

    [Fact]
    public async Task UnsupportedSchema_FailsBeforeGenerating()
    {
        var options = new ChatOptions { MaxOutputTokens = 10, ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonSchemaConverterTests.Parse("""{"type":"string","pattern":"a+"}""")) };

        var error = await Assert.ThrowsAsync<PluginException>(() => Client.GetResponseAsync(s_story, options));

        Assert.Equal("request.unsupported-response-format", error.ErrorCode);
    }

    [Fact]
    public void PromptFormatter_RendersCallsResultsAndToolInstructions()
    {
        var formatter = new PromptFormatter(((LlamaModel)fixture.Model).Weights, modelTemplate: null);
        var call = new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" });
        ChatMessage[] messages =
        [
            new(ChatRole.System, "Be brief."),
            new(ChatRole.User, "Weather?"),
            new(ChatRole.Assistant, [call]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "sunny")]),
        ];

        var prompt = formatter.Format(messages, "# Tools\nget_weather");

        Assert.True(prompt.Contains("System: Be brief.\n\n# Tools\nget_weather\n", StringComparison.Ordinal), prompt);
        Assert.True(prompt.Contains("Assistant: <tool_call>{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}</tool_call>\n", StringComparison.Ordinal), prompt);
        Assert.Contains("Assistant: <tool_call>{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}</tool_call>\n", prompt, StringComparison.Ordinal);
        Assert.Contains("User: Tool result (get_weather): sunny\n", prompt, StringComparison.Ordinal);
        Assert.EndsWith("Assistant:", prompt, StringComparison.Ordinal);
    }
}
