using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PluginAI.Backends;
using PluginAI.Runtime.Chat;
using PluginAI.Runtime.Knowledge;
using PluginAI.Runtime.Models;
using PluginAI.TestSupport;

namespace PluginAI.Runtime.Tests;

public sealed class ModelPoolTests
{
    [Fact]
    public async Task TwoConcurrentAsks_OnOneModel_LoadItOnce()
    {
        await using var kb = await KnowledgeHost.StartAsync();
        var docs = kb.Folder("docs");
        await File.WriteAllTextAsync(Path.Combine(docs, "bread.md"), "# Baking\n\nSourdough bread rises because wild yeast ferments the flour.\n");
        await kb.IngestAsync(new Ingestion.IngestionOptions { Folder = docs });
        var model = WriteModel(kb.Root, "chat.gguf");
        var pool = kb.Services.GetRequiredService<ModelPool>();
        var loadsBefore = pool.LoadCount;
        var ask = kb.Services.GetRequiredService<AskService>();
        var request = new AskRequest { Question = "How does bread rise?", Model = model, ChatOptions = new ChatOptions { MaxOutputTokens = 4, Seed = 1 } };

        var answers = await Task.WhenAll(ask.AskAsync(request), ask.AskAsync(request));
        try
        {
            Assert.All(answers, a => Assert.False(a.IsExtractive));
            var chat = Assert.Single(pool.List(), m => m.Capabilities == ModelCapabilities.Chat);
            Assert.Equal(2, chat.Users);
            Assert.Equal(PooledModelStatus.InUse, chat.Status);
            foreach (var answer in answers)
            {
                await foreach (var update in answer.Updates)
                {
                    Assert.NotNull(update);
                }
            }
        }
        finally
        {
            foreach (var answer in answers)
            {
                await answer.DisposeAsync();
            }
        }

        // The embedding model stayed loaded from the ingestion; the chat model was loaded once for both asks.
        Assert.Equal(loadsBefore + 1, pool.LoadCount);
        Assert.Equal(1, pool.List().Count(m => m.Capabilities == ModelCapabilities.Chat));
        Assert.All(pool.List(), m => Assert.Equal(PooledModelStatus.Idle, m.Status));
    }

    [Fact]
    public async Task ConcurrentAcquires_WaitForOneLoad_AndShareTheModel()
    {
        await using var kb = await KnowledgeHost.StartAsync();
        var model = WriteModel(kb.Root, "chat.gguf");
        var pool = kb.Services.GetRequiredService<ModelPool>();

        var leases = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => pool.AcquireAsync(model, ModelCapabilities.Chat))));

        Assert.Equal(1, pool.LoadCount);
        Assert.All(leases, l => Assert.Same(leases[0].Model, l.Model));
        Assert.Equal(4, Assert.Single(pool.List()).Users);
        foreach (var lease in leases)
        {
            await lease.DisposeAsync();
            await lease.DisposeAsync();
        }

        Assert.Equal(0, Assert.Single(pool.List()).Users);
    }

    [Fact]
    public async Task IdleModel_IsUnloadedAfterItsKeepAlive_AndLoadedAgainOnNextUse()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var kb = await KnowledgeHost.StartAsync(configure: o =>
        {
            o.ModelKeepAlive = TimeSpan.FromMinutes(5);
            o.TimeProvider = time;
        });
        var model = WriteModel(kb.Root, "chat.gguf");
        var pool = kb.Services.GetRequiredService<ModelPool>();
        var chat = kb.Services.GetRequiredService<ChatService>();

        await using (var session = await chat.OpenAsync(new ChatSessionOptions { Model = model }))
        {
            time.Advance(TimeSpan.FromMinutes(10));
            Assert.Equal(PooledModelStatus.InUse, Assert.Single(pool.List()).Status);
        }

        var idle = Assert.Single(pool.List());
        Assert.Equal(PooledModelStatus.Idle, idle.Status);
        Assert.Equal(time.GetUtcNow(), idle.IdleSince);
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Single(pool.List());
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(pool.List());
        Assert.Equal(1, pool.UnloadCount);

        await using (var again = await chat.OpenAsync(new ChatSessionOptions { Model = model }))
        {
            Assert.Equal(2, pool.LoadCount);
            Assert.NotNull(again.Client);
        }
    }

    [Fact]
    public async Task OverTheMemoryBudget_IdleModelsAreEvictedLeastRecentlyUsedFirst_AndModelsInUseNever()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var kb = await KnowledgeHost.StartAsync(configure: o =>
        {
            o.ModelMemoryBudgetBytes = 1;
            o.TimeProvider = time;
        });
        var a = WriteModel(kb.Root, "a.gguf");
        var b = WriteModel(kb.Root, "b.gguf");
        var c = WriteModel(kb.Root, "c.gguf");
        var pool = kb.Services.GetRequiredService<ModelPool>();

        var leaseA = await pool.AcquireAsync(a, ModelCapabilities.Chat);
        await using (await pool.AcquireAsync(b, ModelCapabilities.Chat))
        {
            // A is in use: it stays, although the two together exceed the budget.
            Assert.Equal(2, pool.List().Count);
        }

        time.Advance(TimeSpan.FromSeconds(1));
        await leaseA.DisposeAsync();
        await using (await pool.AcquireAsync(c, ModelCapabilities.Chat))
        {
            // B went idle before A did, so B goes first; then A, since C alone fills the budget.
            var left = Assert.Single(pool.List());
            Assert.Equal(c, left.Path);
        }

        Assert.Equal(2, pool.UnloadCount);
    }

    [Fact]
    public async Task FailedLoad_IsForgotten_SoTheNextCallerTriesAgain()
    {
        await using var kb = await KnowledgeHost.StartAsync();
        var pool = kb.Services.GetRequiredService<ModelPool>();
        var path = Path.Combine(kb.Root, "broken.gguf");
        await File.WriteAllTextAsync(path, "GGUF but not really a model");

        await Assert.ThrowsAnyAsync<PluginException>(() => pool.AcquireAsync(path, ModelCapabilities.Chat));
        Assert.Empty(pool.List());
        await Assert.ThrowsAnyAsync<PluginException>(() => pool.AcquireAsync(path, ModelCapabilities.Chat));
    }

    [Fact]
    public async Task MissingModelFile_IsReportedAsMissing_NotAsUnloadable()
    {
        await using var kb = await KnowledgeHost.StartAsync();
        var path = Path.Combine(kb.Root, "models", "llama-7b.Q4_K_M.gguf");

        var ex = await Assert.ThrowsAnyAsync<PluginException>(() => kb.Services.GetRequiredService<ModelPool>().AcquireAsync(path, ModelCapabilities.Chat));

        Assert.Equal("model.missing", ex.ErrorCode);
        Assert.StartsWith($"{path}: the model file does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPluginAI_RefusesBadOptions_NamingTheOption()
    {
        using var services = new ServiceCollection().AddPluginAI(o => o.ModelKeepAlive = TimeSpan.FromSeconds(-1)).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<ModelPool>());

        Assert.Contains("PluginAIOptions.ModelKeepAlive", ex.Message, StringComparison.Ordinal);
    }

    private static string WriteModel(string root, string name)
    {
        var path = Path.Combine(root, name);
        TinyLlamaModel.Write(path, new TinyLlamaModelOptions { ChatTemplate = TinyLlamaModel.ChatMLTemplate, ContextLength = 512 });
        return path;
    }
}
