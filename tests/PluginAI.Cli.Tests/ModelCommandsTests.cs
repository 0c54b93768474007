using System.Text.Json;
using PluginAI.TestSupport;

namespace PluginAI.Cli.Tests;

public sealed class ModelCommandsTests : IDisposable
{
    private readonly string _home = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pluginai-cli", Guid.NewGuid().ToString("N"));
    private readonly string _model;

    public ModelCommandsTests()
    {
        Directory.CreateDirectory(_home);
        _model = System.IO.Path.Combine(_home, "tiny.gguf");
        TinyLlamaModel.Write(_model, new TinyLlamaModelOptions { ChatTemplate = TinyLlamaModel.ChatMLTemplate });
    }

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public async Task Run_FixedSeed_StreamsTheSameAnswerTwice_WithinMaxTokens()
    {
        var first = await RunJsonAsync("run", "--model", _model, "--seed", "7", "--max-tokens", "8", "--json", "Tell me about lighthouses");
        var second = await RunJsonAsync("run", "--model", _model, "--seed", "7", "--max-tokens", "8", "--json", "Tell me about lighthouses");

        Assert.False(string.IsNullOrEmpty(first.GetProperty("text").GetString()));
        Assert.Equal(first.GetProperty("text").GetString(), second.GetProperty("text").GetString());
        Assert.InRange(first.GetProperty("usage").GetProperty("outputTokens").GetInt32(), 1, 8);
        Assert.Equal("cpu", first.GetProperty("plan").GetProperty("device").GetString());
    }

    [Fact]
    public async Task Run_ByRegisteredName_UsesTheRegisteredFile()
    {
        var (addExit, _, addError) = await PluginAICli.RunAsync(_home, "models", "add", "tiny", _model);
        Assert.True(addExit == 0, addError);

        var list = await RunJsonAsync("models", "list", "--json");
        var entry = Assert.Single(list.EnumerateArray());
        Assert.Equal("tiny", entry.GetProperty("name").GetString());
        Assert.Equal(_model, entry.GetProperty("path").GetString());

        var answer = await RunJsonAsync("run", "-m", "tiny", "--max-tokens", "4", "--seed", "1", "--json", "Hi");
        Assert.Equal(_model, answer.GetProperty("path").GetString());

        var (removeExit, _, _) = await PluginAICli.RunAsync(_home, "models", "remove", "tiny");
        Assert.Equal(0, removeExit);
        Assert.Empty((await RunJsonAsync("models", "list", "--json")).EnumerateArray());
    }

    [Fact]
    public async Task Run_FileThatIsNotGguf_IsOneClearErrorNamingTheFile()
    {
        var bogus = System.IO.Path.Combine(_home, "notes.gguf");
        await File.WriteAllTextAsync(bogus, "these are not weights");

        var (exit, _, output) = await PluginAICli.RunAsync(_home, "run", "--model", bogus, "hello");

        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", output, StringComparison.Ordinal);
        Assert.Contains(bogus, output, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownModelName_SaysNoBackendCanLoadIt()
    {
        var (exit, _, output) = await PluginAICli.RunAsync(_home, "run", "--model", "no-such-model", "hello");

        Assert.Equal(1, exit);
        Assert.Contains("no-such-model: no installed backend can load this model", output, StringComparison.Ordinal);
        Assert.Contains("pluginai models list", output, StringComparison.Ordinal);
        Assert.Contains("pluginai models pull hf:OWNER/REPO --name no-such-model", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAndAsk_HubModelNotYetPulled_OfferThePullCommand()
    {
        var (runExit, _, run) = await PluginAICli.RunAsync(_home, "run", "--model", "hf:acme/tiny-GGUF:Q4_K_M", "hello");
        var (askExit, _, ask) = await PluginAICli.RunAsync(_home, "ask", "--model", "acme/tiny-GGUF", "--from", _home, "hello?");

        Assert.Equal(1, runExit);
        Assert.Contains("not downloaded yet; get it with 'pluginai models pull hf:acme/tiny-GGUF:Q4_K_M'", run, StringComparison.Ordinal);
        Assert.Equal(1, askExit);
        Assert.Contains("'pluginai models pull hf:acme/tiny-GGUF'", ask, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embed_DefaultModel_PrintsA384DimensionalUnitVector()
    {
        var result = await RunJsonAsync("embed", "--json", "The cat sat on the mat.", "A second sentence.");

        Assert.Equal("all-MiniLM-L6-v2", result.GetProperty("model").GetString(), ignoreCase: true);
        Assert.Equal(384, result.GetProperty("dimensions").GetInt32());
        var embeddings = result.GetProperty("embeddings").EnumerateArray().ToList();
        Assert.Equal(2, embeddings.Count);
        var vector = embeddings[0].GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(384, vector.Length);
        Assert.InRange(Math.Sqrt(vector.Sum(v => (double)v * v)), 0.999, 1.001);
    }

    [Fact]
    public async Task DoctorModel_ShowsThePlanWithReasons()
    {
        var result = await RunJsonAsync("doctor", "--model", _model, "--context", "1024", "--json");

        var model = result.GetProperty("model");
        Assert.Equal("llama.cpp", model.GetProperty("backend").GetString());
        var plan = model.GetProperty("plan");
        Assert.Equal(1024, plan.GetProperty("contextSize").GetInt32());
        Assert.Equal("1024 tokens, as requested", plan.GetProperty("reasons").GetProperty("ContextSize").GetString());
        Assert.True(plan.GetProperty("useMemoryMap").GetBoolean());
    }

    [Fact]
    public async Task DoctorModel_TakesParallelSequencesAndQueueAndRefusesBadValues()
    {
        var result = await RunJsonAsync("doctor", "--model", _model, "--parallel", "2", "--queue", "5", "--json");
        var plan = result.GetProperty("model").GetProperty("plan");
        Assert.Equal(2, plan.GetProperty("parallelSequences").GetInt32());
        Assert.Equal(5, plan.GetProperty("queueLimit").GetInt32());

        var (parallelExit, _, parallelError) = await PluginAICli.RunAsync(_home, "doctor", "--model", _model, "--parallel", "0");
        Assert.NotEqual(0, parallelExit);
        Assert.Contains("--parallel must be at least 1; got 0", parallelError, StringComparison.Ordinal);
        var (queueExit, _, queueError) = await PluginAICli.RunAsync(_home, "doctor", "--model", _model, "--queue", "-1");
        Assert.NotEqual(0, queueExit);
        Assert.Contains("--queue must be 0 or more; got -1", queueError, StringComparison.Ordinal);
    }

    private async Task<JsonElement> RunJsonAsync(params string[] args)
    {
        var (exit, output, error) = await PluginAICli.RunAsync(_home, args);
        Assert.True(exit == 0, $"exit {exit}: {output}\n{error}");
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }
}
