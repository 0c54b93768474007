using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using PluginAI.Backends;
using PluginAI.Runtime.Ingestion;
using PluginAI.Runtime.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Runtime.Chat;
using PluginAI.Retrieval;
using PluginAI.TestSupport;

namespace PluginAI.Runtime.Tests;

public sealed class AskTests
{
    private static async Task<KnowledgeHost> WithDocumentsAsync()
    {
        var kb = await KnowledgeHost.StartAsync();
        var docs = kb.Folder("docs");
        await File.WriteAllTextAsync(Path.Combine(docs, "lighthouse.md"), "# Lighthouses\n\nThe Tower of Hercules in A Coruña is the oldest lighthouse still in use. Questions go to keeper@example.org.\n");
        await File.WriteAllTextAsync(Path.Combine(docs, "bread.md"), "# Baking\n\nSourdough rises because wild yeast and lactic bacteria ferment the flour.\n");
        await kb.IngestAsync(new IngestionOptions { Folder = docs });
        return kb;
    }

    [Fact]
    public async Task Ask_WithoutModel_QuotesTheBestPassagesWithCitations_AndRedacts()
    {
        await using var kb = await WithDocumentsAsync();
        await using var answer = await kb.Services.GetRequiredService<AskService>().AskAsync(new AskRequest { Question = "Which lighthouse is the oldest?" });
        var text = await ReadAsync(answer.Updates);

        Assert.True(answer.IsExtractive);
        Assert.EndsWith("lighthouse.md", answer.Sources[0].SourcePath, StringComparison.Ordinal);
        Assert.Contains("Tower of Hercules", text, StringComparison.Ordinal);
        Assert.Contains("[1]", text, StringComparison.Ordinal);
        Assert.Contains("[EMAIL]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("keeper@example.org", text, StringComparison.Ordinal);
        Assert.Contains(answer.Findings, f => f.Code == "pii.email");
    }

    [Fact]
    public async Task Ask_WithModel_RendersTheTemplate_AndDropsCitationsToNothing()
    {
        await using var kb = await WithDocumentsAsync();
        var model = new ScriptedChatClient("The oldest is the Tower of Hercules [1]", ", not the Pharos [7].");

        await using var answer = await kb.Services.GetRequiredService<AskService>().AskAsync(new AskRequest { Question = "Which lighthouse is the oldest?", Top = 2 }, model);
        var text = await ReadAsync(answer.Updates);

        Assert.Equal("The oldest is the Tower of Hercules [1], not the Pharos.", text);
        Assert.Contains(answer.Findings, f => f.Message == "dropped citation [7]: only sources 1 to 2 were retrieved");
        var prompt = model.Received.Last(m => m.Role == ChatRole.User).Text;
        Assert.Contains("[1] ", prompt, StringComparison.Ordinal);
        Assert.Contains("Tower of Hercules", prompt, StringComparison.Ordinal);
        Assert.EndsWith("Question: Which lighthouse is the oldest?", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_WithARealGgufModel_StreamsAnAnswer()
    {
        await using var kb = await WithDocumentsAsync();
        var path = Path.Combine(kb.Root, "tiny.gguf");
        TinyLlamaModel.Write(path, new TinyLlamaModelOptions { ChatTemplate = TinyLlamaModel.ChatMLTemplate, ContextLength = 2048 });

        await using var answer = await kb.Services.GetRequiredService<AskService>().AskAsync(new AskRequest { Question = "How does sourdough rise?", Model = path, ChatOptions = new ChatOptions { MaxOutputTokens = 12, Seed = 5 } });
        var updates = 0;
        await foreach (var update in answer.Updates)
        {
            updates += string.IsNullOrEmpty(update.Text) ? 0 : 1;
        }

        Assert.False(answer.IsExtractive);
        Assert.InRange(updates, 1, 12);
        Assert.EndsWith("bread.md", answer.Sources[0].SourcePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_WithTheGgufBackendInAWorkerProcess_GivesTheSameGreedyAnswerAsInProcess()
    {
        var answers = new List<(string Text, string Source)>();
        foreach (var isolation in new[] { PluginAI.Manifest.PluginIsolation.InProcess, PluginAI.Manifest.PluginIsolation.OutOfProcess })
        {
            var root = Path.Combine(Path.GetTempPath(), "pluginai-kb", Guid.NewGuid().ToString("N"));
            await using var kb = await KnowledgeHost.StartAsync(root, options => options.Host.Isolation["PluginAI.Backends.Llama"] = isolation);
            var docs = kb.Folder("docs");
            await File.WriteAllTextAsync(Path.Combine(docs, "lighthouse.md"), "# Lighthouses\n\nThe Tower of Hercules in A Coruña is the oldest lighthouse still in use.\n");
            await File.WriteAllTextAsync(Path.Combine(docs, "bread.md"), "# Baking\n\nSourdough rises because wild yeast and lactic bacteria ferment the flour.\n");
            await kb.IngestAsync(new IngestionOptions { Folder = docs });
            var plugins = await kb.Services.GetRequiredService<PluginAI.Runtime.Plugins.PluginService>().ListAsync();
            Assert.Equal(isolation, plugins.Single(p => p.Id == "PluginAI.Backends.Llama").Isolation);

            await using var answer = await kb.Services.GetRequiredService<AskService>().AskAsync(new AskRequest
            {
                Question = "How does sourdough rise?",
                Model = SharedModels.Stories260K,
                ChatOptions = new ChatOptions { Temperature = 0, Seed = 1, MaxOutputTokens = 40 },
            });
            answers.Add((await ReadAsync(answer.Updates), Path.GetFileName(answer.Sources[0].SourcePath)));
        }

        Assert.False(string.IsNullOrWhiteSpace(answers[0].Text));
        Assert.Equal("bread.md", answers[0].Source);
        Assert.Equal(answers[0], answers[1]);
    }

    [Fact]
    public async Task Ask_WithEveryPluginInAWorkerProcess_GivesTheSameAnswerSourcesAndFindingsAsInProcess()
    {
        // Ingestion (the document parser and chunker, ONNX embeddings, the SQLite knowledge base) and the ask flow
        // (prompt templates, retrieval, citations, redaction): all four contracts across the process boundary.
        string[] plugins = ["PluginAI.Backends.Onnx", "PluginAI.Documents", "PluginAI.Retrieval.Sqlite", "PluginAI.Prompting", "PluginAI.Citations", "PluginAI.Redaction"];
        var results = new List<string>();
        foreach (var isolation in new[] { PluginAI.Manifest.PluginIsolation.InProcess, PluginAI.Manifest.PluginIsolation.OutOfProcess })
        {
            var root = Path.Combine(Path.GetTempPath(), "pluginai-kb", Guid.NewGuid().ToString("N"));
            await using var kb = await KnowledgeHost.StartAsync(root, options =>
            {
                foreach (var id in plugins)
                {
                    options.Host.Isolation[id] = isolation;
                }
            });
            var records = await kb.Services.GetRequiredService<PluginAI.Runtime.Plugins.PluginService>().ListAsync();
            Assert.All(records.Where(r => plugins.Contains(r.Id)), r => Assert.Equal(isolation, r.Isolation));
            Assert.Equal(isolation == PluginAI.Manifest.PluginIsolation.OutOfProcess ? plugins.Length : 0, records.Count(r => r.Worker is { State: "running" }));

            var docs = kb.Folder("docs");
            await File.WriteAllTextAsync(Path.Combine(docs, "lighthouse.md"), "# Lighthouses\n\nThe Tower of Hercules in A Coruña is the oldest lighthouse still in use. Questions go to keeper@example.org.\n");
            await File.WriteAllTextAsync(Path.Combine(docs, "bread.md"), "# Baking\n\nSourdough rises because wild yeast and lactic bacteria ferment the flour.\n");
            await kb.IngestAsync(new IngestionOptions { Folder = docs });
            await using var answer = await kb.Services.GetRequiredService<AskService>().AskAsync(new AskRequest { Question = "Which lighthouse is the oldest?" });
            var text = await ReadAsync(answer.Updates);
            await using var session = await kb.OpenAsync();
            var diag = new List<string>();
            foreach (var mode in new[] { SearchMode.Vector, SearchMode.Keyword, SearchMode.Hybrid })
            {
                foreach (var p in await KnowledgeHost.SearchAsync(session, "Which lighthouse is the oldest?", mode: mode))
                {
                    diag.Add($"{mode} {Path.GetFileName(p.SourcePath)} {p.Score:F5} {p.Text.Length} {p.Section}");
                }
            }

            results.Add(string.Join("\n", [text, .. answer.Sources.Select(s => $"{Path.GetFileName(s.SourcePath)} {s.Score:F5}"), .. answer.Findings.Select(f => f.Code), .. diag]));
            Assert.Contains("Tower of Hercules", text, StringComparison.Ordinal);
            Assert.Contains("[EMAIL]", text, StringComparison.Ordinal);
        }

        Assert.Equal(results[0], results[1]);
    }

    [Fact]
    public async Task Search_FiltersByPathGlobAndMediaType()
    {
        await using var kb = await WithDocumentsAsync();
        await File.WriteAllTextAsync(Path.Combine(kb.Root, "docs", "more.txt"), "Lighthouses guide ships with a light at night.\n");
        await kb.IngestAsync(new IngestionOptions { Folder = Path.Combine(kb.Root, "docs") });
        await using var session = await kb.OpenAsync();

        var text = await KnowledgeHost.SearchAsync(session, "lighthouse", top: 5, pathGlob: "**/*.txt");
        Assert.All(text, p => Assert.EndsWith(".txt", p.SourcePath, StringComparison.Ordinal));
        Assert.NotEmpty(text);
        var markdown = await KnowledgeHost.SearchAsync(session, "lighthouse", top: 5, mediaTypes: ["text/markdown"]);
        Assert.All(markdown, p => Assert.Equal("text/markdown", p.MediaType));
        Assert.NotEmpty(markdown);
    }

    private static async Task<string> ReadAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var text = new StringBuilder();
        await foreach (var update in updates)
        {
            text.Append(update.Text);
        }

        return text.ToString();
    }

    /// <summary>A chat client that answers with fixed text, so the pipeline around the model can be checked exactly.</summary>
    private sealed class ScriptedChatClient(params string[] parts) : IChatClient
    {
        public List<ChatMessage> Received { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Received.AddRange(messages);
            foreach (var part in parts)
            {
                await Task.Yield();
                yield return new ChatResponseUpdate(ChatRole.Assistant, part);
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
