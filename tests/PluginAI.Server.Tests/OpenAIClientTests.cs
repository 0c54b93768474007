using System.ClientModel;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;
using OpenAI.Embeddings;
using PluginAI.Runtime.Models;

namespace PluginAI.Server.Tests;

/// <summary>The official OpenAI .NET SDK and Microsoft.Extensions.AI.OpenAI against the running server and a real model.</summary>
public sealed class OpenAIClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private OpenAIClient Sdk => new(new ApiKeyCredential("unused-on-loopback"), new OpenAIClientOptions { Endpoint = fixture.Host.ApiBase });

    [Fact]
    public async Task Chat_completion_returns_text_usage_and_a_finish_reason()
    {
        var client = Sdk.GetChatClient(ServerHost.Model);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 24, Temperature = 0 };
        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Once upon a time")], options);
        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(24, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 3);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Streaming_chat_gives_the_same_text_as_the_whole_answer_and_usage_at_the_end()
    {
        var client = Sdk.GetChatClient(ServerHost.Model);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 32, Temperature = 0 };
        ChatCompletion whole = await client.CompleteChatAsync([new UserChatMessage("The little dog")], options);

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        var chunks = 0;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("The little dog")], options))
        {
            chunks++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        // The role, text as the postprocessors release it (they hold back what may still turn out to be personal data), the end.
        Assert.True(chunks >= 3, $"expected the answer in several chunks, got {chunks}");
        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.NotNull(usage);
        Assert.Equal(32, usage.OutputTokenCount);
    }

    [Fact]
    public async Task Stop_sequences_end_the_answer_before_the_stop_text()
    {
        var client = Sdk.GetChatClient(ServerHost.Model);
        ChatCompletion free = await client.CompleteChatAsync([new UserChatMessage("Once upon a time")], new ChatCompletionOptions { MaxOutputTokenCount = 40, Temperature = 0 });
        var text = free.Content[0].Text;
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var stop = words[Math.Min(3, words.Length - 1)];
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 40, Temperature = 0 };
        options.StopSequences.Add(stop);
        ChatCompletion stopped = await client.CompleteChatAsync([new UserChatMessage("Once upon a time")], options);
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);
        Assert.Equal(text[..text.IndexOf(stop, StringComparison.Ordinal)], stopped.Content[0].Text);
    }

    [Fact]
    public async Task Embeddings_equal_the_in_process_embedding_of_the_same_text_as_floats_and_base64()
    {
        var texts = new[] { "The cat sat on the mat.", "Invoices are due within thirty days." };
        var expected = await fixture.Host.Services.GetRequiredService<EmbeddingService>().EmbedAsync(texts);
        var client = Sdk.GetEmbeddingClient("all-minilm-l6-v2");
        OpenAIEmbeddingCollection embeddings = await client.GenerateEmbeddingsAsync(texts);
        Assert.Equal(2, embeddings.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(expected.Vectors[i].ToArray(), embeddings[i].ToFloats().ToArray());
        }

        // The SDK asks for base64 by default; float arrays come back equal too.
        var raw = await fixture.Host.Client.PostAsync("v1/embeddings", new StringContent("""{"model":"all-minilm-l6-v2","input":"The cat sat on the mat.","encoding_format":"float"}""", Encoding.UTF8, "application/json"));
        using var document = System.Text.Json.JsonDocument.Parse(await raw.Content.ReadAsStringAsync());
        var floats = document.RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(expected.Vectors[0].ToArray(), floats);
        Assert.True(document.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task Models_list_has_the_registered_model_and_the_built_in_embedding_model()
    {
        var models = await Sdk.GetOpenAIModelClient().GetModelsAsync();
        var ids = models.Value.Select(m => m.Id).ToList();
        Assert.Contains(ServerHost.Model, ids);
        Assert.Contains("all-minilm-l6-v2", ids);
        var one = await Sdk.GetOpenAIModelClient().GetModelAsync(ServerHost.Model);
        Assert.Equal(ServerHost.Model, one.Value.Id);
    }

    [Fact]
    public async Task Microsoft_Extensions_AI_clients_work_against_it_streaming_and_not()
    {
        IChatClient chat = Sdk.GetChatClient(ServerHost.Model).AsIChatClient();
        var options = new ChatOptions { MaxOutputTokens = 16, Temperature = 0 };
        var response = await chat.GetResponseAsync("Once upon a time", options);
        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.Equal(16, response.Usage?.OutputTokenCount);

        var streamed = new StringBuilder();
        await foreach (var update in chat.GetStreamingResponseAsync("Once upon a time", options))
        {
            streamed.Append(update.Text);
        }

        Assert.Equal(response.Text, streamed.ToString());

        IEmbeddingGenerator<string, Embedding<float>> embedder = Sdk.GetEmbeddingClient("all-minilm-l6-v2").AsIEmbeddingGenerator();
        var vector = await embedder.GenerateVectorAsync("hello world");
        Assert.Equal(384, vector.Length);
    }
}
