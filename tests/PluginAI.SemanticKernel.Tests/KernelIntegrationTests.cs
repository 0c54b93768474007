using Microsoft.SemanticKernel;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Host;
using PluginAI.Runtime.Chat;
using PluginAI.Runtime.Ingestion;
using PluginAI.Runtime.Knowledge;
using PluginAI.TestSupport;

namespace PluginAI.SemanticKernel.Tests;

public sealed class KernelIntegrationTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pluginai-sk", Guid.NewGuid().ToString("N"));
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _services = new ServiceCollection().AddPluginAI(options =>
        {
            options.Host.HomeDirectory = Path.Combine(_root, "home");
            options.Host.IncludeBundledPlugins = false;
            options.Host.AllowUnsigned = true;
            options.Host.AdditionalPluginDirectories.Add(Path.Combine(AppContext.BaseDirectory, "TestPlugins"));
        }).BuildServiceProvider();
        var plugins = await _services.GetRequiredService<PluginAI.Runtime.Plugins.PluginService>().ListAsync();
        Assert.All(plugins, p => Assert.True(p.Status == PluginStatus.Loaded, $"{p.Id}: {p.Reason}"));

        var docs = Path.Combine(_root, "docs");
        Directory.CreateDirectory(docs);
        await File.WriteAllTextAsync(Path.Combine(docs, "lighthouse.md"), "# Lighthouses\n\nThe Tower of Hercules in A Coruña is the oldest lighthouse still in use; it was built by the Romans in the first century.\n");
        await File.WriteAllTextAsync(Path.Combine(docs, "bread.md"), "# Baking\n\nSourdough bread rises because wild yeast and lactic bacteria ferment the flour for many hours.\n");
        var report = await _services.GetRequiredService<IngestionService>().IngestFolderAsync(new IngestionOptions { Folder = docs, KnowledgeBase = "sk" });
        Assert.Equal(2, report.Added);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task KernelPrompt_CallsTheKnowledgeBaseFunction_AndTheLocalModelAnswers()
    {
        var modelPath = Path.Combine(_root, "tiny.gguf");
        TinyLlamaModel.Write(modelPath, new TinyLlamaModelOptions { ChatTemplate = TinyLlamaModel.ChatMLTemplate });
        await using var chat = await _services.GetRequiredService<ChatService>().OpenAsync(new ChatSessionOptions { Model = modelPath });
        await using var kb = await _services.GetRequiredService<KnowledgeBaseService>().OpenAsync("sk");

        var kernel = Kernel.CreateBuilder().AddPluginAI(chat, kb).Build();
        var filter = new RecordingFilter();
        kernel.FunctionInvocationFilters.Add(filter);
        kernel.PromptRenderFilters.Add(filter);

        var result = await kernel.InvokePromptAsync(
            "Sources:\n{{knowledge.search $question}}\n\nQuestion: {{$question}}",
            new KernelArguments(new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["max_tokens"] = 8, ["seed"] = 3 } }) { ["question"] = "Which lighthouse is the oldest?" });

        Assert.Contains("knowledge.search", filter.Functions);
        Assert.Contains("[1] ", filter.RenderedPrompt, StringComparison.Ordinal);
        Assert.Contains("lighthouse.md", filter.RenderedPrompt, StringComparison.Ordinal);
        Assert.Contains("Tower of Hercules", filter.RenderedPrompt, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(result.GetValue<string>()));
    }

    [Fact]
    public async Task SearchPlugin_ReturnsNumberedPassagesWithSources()
    {
        await using var kb = await _services.GetRequiredService<KnowledgeBaseService>().OpenAsync("sk");
        var text = await new KnowledgeBaseSearchPlugin(kb).SearchAsync("How does sourdough rise?", top: 1);

        Assert.StartsWith("[1] ", text, StringComparison.Ordinal);
        Assert.Contains("bread.md", text, StringComparison.Ordinal);
        Assert.Contains("wild yeast", text, StringComparison.Ordinal);
    }

    private sealed class RecordingFilter : IFunctionInvocationFilter, IPromptRenderFilter
    {
        public List<string> Functions { get; } = [];

        public string RenderedPrompt { get; private set; } = string.Empty;

        public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
        {
            Functions.Add($"{context.Function.PluginName}.{context.Function.Name}");
            await next(context);
        }

        public async Task OnPromptRenderAsync(PromptRenderContext context, Func<PromptRenderContext, Task> next)
        {
            await next(context);
            RenderedPrompt = context.RenderedPrompt ?? string.Empty;
        }
    }
}
