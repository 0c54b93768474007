using Microsoft.Extensions.AI;
using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Prompting.Tests;

public sealed class TemplatePreprocessorTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pluginai-prompting", Guid.NewGuid().ToString("N"));

    public TemplatePreprocessorTests() => Directory.CreateDirectory(_data);

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static PromptContext Prompt(PromptStage stage = PromptStage.AfterRetrieval, AdditionalPropertiesDictionary? settings = null) => new()
    {
        Question = "How are plugins isolated?",
        Stage = stage,
        AdditionalProperties = settings,
        Passages =
        [
            new RetrievedPassage { SourcePath = "docs/architecture.md", Section = "Isolation", Text = "Each plugin gets its own load context.", Score = 0.9 },
            new RetrievedPassage { SourcePath = "guide.pdf", Page = 4, Text = "Native backends may run out of process.", Score = 0.5 },
        ],
    };

    [Fact]
    public async Task Process_AfterRetrieval_RendersNumberedSourcesAndTheQuestion()
    {
        var result = await new TemplatePreprocessor(_data).ProcessPromptAsync(Prompt());

        Assert.Equal([ChatRole.System, ChatRole.User], result.Messages.Select(m => m.Role));
        var user = result.Messages[1].Text;
        Assert.Contains("[1] docs/architecture.md, Isolation\nEach plugin gets its own load context.", user, StringComparison.Ordinal);
        Assert.Contains("[2] guide.pdf, page 4\nNative backends may run out of process.", user, StringComparison.Ordinal);
        Assert.EndsWith("Question: How are plugins isolated?", user, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_BeforeRetrieval_LeavesThePromptAlone()
    {
        var prompt = Prompt(PromptStage.BeforeRetrieval);
        Assert.Same(prompt, await new TemplatePreprocessor(_data).ProcessPromptAsync(prompt));
    }

    [Fact]
    public async Task Process_TemplateGivenWithTheQuestion_WinsOverTheDataFolder()
    {
        await File.WriteAllTextAsync(Path.Combine(_data, "answer.scriban"), "from file: {{ question }}");
        var preprocessor = new TemplatePreprocessor(_data);

        var fromFile = await preprocessor.ProcessPromptAsync(Prompt());
        Assert.Equal("from file: How are plugins isolated?", fromFile.Messages[^1].Text);

        var given = await preprocessor.ProcessPromptAsync(Prompt(settings: new() { ["template"] = "{{ passages.size }} sources", ["system"] = "" }));
        Assert.Equal("2 sources", Assert.Single(given.Messages).Text);
    }

    [Fact]
    public async Task Process_BrokenTemplate_IsAPluginExceptionNamingTheFile()
    {
        var path = Path.Combine(_data, "answer.scriban");
        await File.WriteAllTextAsync(path, "{{ for p in passages }} no end");
        var ex = await Assert.ThrowsAsync<PluginException>(() => new TemplatePreprocessor(_data).ProcessPromptAsync(Prompt()));
        Assert.StartsWith(path, ex.Message, StringComparison.Ordinal);
        Assert.Equal(path, ex.FilePath);
    }

    [Fact]
    public async Task Process_UnknownVariable_IsAnErrorNotAnEmptyString()
    {
        var ex = await Assert.ThrowsAsync<PluginException>(() => new TemplatePreprocessor(_data).ProcessPromptAsync(Prompt(settings: new() { ["template"] = "{{ questoin }}" })));
        Assert.Contains("'question' and 'passages'", ex.Message, StringComparison.Ordinal);
    }
}
