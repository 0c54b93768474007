using System.Security.Cryptography;
using System.Text.Json;
using PluginAI.TestSupport;

namespace PluginAI.Cli.Tests;

public sealed class ModelPullTests : IDisposable
{
    private const string SmallFile = "tiny-model.Q4_K_M.gguf";
    private const string LargeFile = "tiny-model.Q8_0.gguf";
    private readonly string _home = Path.Combine(Path.GetTempPath(), "pluginai-cli", Guid.NewGuid().ToString("N"));
    private readonly FakeHub _hub = new();
    private readonly byte[] _small;
    private readonly byte[] _large;

    public ModelPullTests()
    {
        Directory.CreateDirectory(_home);
        _small = WriteModel("small.gguf", new TinyLlamaModelOptions { ChatTemplate = TinyLlamaModel.ChatMLTemplate });
        _large = WriteModel("large.gguf", new TinyLlamaModelOptions { EmbeddingLength = 128, HeadCount = 4, FeedForwardLength = 256 });
        _hub.AddFile(SmallFile, _small);
        _hub.AddFile(LargeFile, _large);
    }

    private string ModelsFolder => Path.Combine(_home, "models");

    public void Dispose()
    {
        _hub.Dispose();
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public async Task Pull_FromHub_ChoosesTheLargestFileThatFits_VerifiesRegistersAndPlans()
    {
        var done = await PullJsonAsync("hf:test/tiny");

        Assert.Equal("tiny-model.Q8_0", done.GetProperty("name").GetString());
        Assert.Contains("the largest of 2 GGUF files that fits", done.GetProperty("choice").GetString(), StringComparison.Ordinal);
        var path = done.GetProperty("path").GetString()!;
        Assert.Equal(Path.Combine(ModelsFolder, LargeFile), path);
        Assert.Equal(_large, await File.ReadAllBytesAsync(path));
        Assert.Equal(Sha(_large), done.GetProperty("sha256").GetString());
        Assert.True(done.GetProperty("verified").GetBoolean());
        Assert.Equal("cpu", done.GetProperty("plan").GetProperty("device").GetString());
        Assert.Empty(_hub.RangesSeen);

        var list = await RunJsonAsync("models", "list", "--json");
        Assert.Contains(list.EnumerateArray(), m => m.GetProperty("name").GetString() == "tiny-model.Q8_0" && m.GetProperty("path").GetString() == path);
    }

    [Fact]
    public async Task Pull_WithQuantisationAndName_TakesTheMatchingFile_AndHumanOutputShowsTheChoiceAndPlan()
    {
        var (exit, output, error) = await PluginAICli.RunAsync(_home, Environment(), "models", "pull", "hf:test/tiny:Q4_K_M", "--name", "small");

        Assert.True(exit == 0, output + error);
        Assert.Contains($"Chose {SmallFile}", output, StringComparison.Ordinal);
        Assert.Contains("verified", output, StringComparison.Ordinal);
        Assert.Contains("Registered small", output, StringComparison.Ordinal);
        Assert.Contains("Threads", output, StringComparison.Ordinal);
        Assert.Equal(_small, await File.ReadAllBytesAsync(Path.Combine(ModelsFolder, SmallFile)));
    }

    [Fact]
    public async Task Pull_ConnectionDroppedMidway_KeepsThePartialFile_AndTheNextPullResumesWithARange()
    {
        _hub.DropAfterBytes = _large.Length / 3;

        var (exit, _, error) = await PluginAICli.RunAsync(_home, Environment(), "models", "pull", $"hf:test/tiny:{LargeFile}");

        Assert.Equal(1, exit);
        Assert.Contains("running the same command again resumes it", error, StringComparison.Ordinal);
        var partial = Path.Combine(ModelsFolder, LargeFile + ".partial");
        Assert.True(File.Exists(partial));
        Assert.InRange(new FileInfo(partial).Length, 1, _large.Length - 1);
        Assert.Empty((await RunJsonAsync("models", "list", "--json")).EnumerateArray());

        var kept = new FileInfo(partial).Length;
        var done = await PullJsonAsync($"hf:test/tiny:{LargeFile}");

        Assert.Equal($"bytes={kept}-", Assert.Single(_hub.RangesSeen));
        Assert.Equal(kept, done.GetProperty("resumedFrom").GetInt64());
        Assert.Equal(Sha(_large), done.GetProperty("sha256").GetString());
        Assert.Equal(_large, await File.ReadAllBytesAsync(Path.Combine(ModelsFolder, LargeFile)));
        Assert.False(File.Exists(partial));
    }

    [Fact]
    public async Task Pull_ProcessKilledMidway_TheNextPullResumesWithARange()
    {
        _hub.Trickle = TimeSpan.FromMilliseconds(40);
        var partial = Path.Combine(ModelsFolder, LargeFile + ".partial");
        using (var process = PluginAICli.Start(_home, Environment(), "models", "pull", $"hf:test/tiny:{LargeFile}", "--json"))
        {
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (!(File.Exists(partial) && new FileInfo(partial).Length >= 32 * 1024) && DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }

            if (process.HasExited)
            {
                Assert.Fail($"the pull ended before it could be killed: {await process.StandardError.ReadToEndAsync()}");
            }

            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var kept = new FileInfo(partial).Length;
        Assert.InRange(kept, 32 * 1024, _large.Length - 1);
        Assert.False(File.Exists(Path.Combine(ModelsFolder, LargeFile)));
        _hub.Trickle = null;

        var done = await PullJsonAsync($"hf:test/tiny:{LargeFile}");

        Assert.Equal($"bytes={kept}-", Assert.Single(_hub.RangesSeen));
        Assert.Equal(Sha(_large), done.GetProperty("sha256").GetString());
        Assert.Equal(_large, await File.ReadAllBytesAsync(done.GetProperty("path").GetString()!));
    }

    [Fact]
    public async Task Pull_WrongPublishedHash_IsRefused_ThePartialFileDeleted_NothingRegistered()
    {
        using var hub = new FakeHub("test/bad");
        hub.AddFile(SmallFile, _small, publishedSha256: new string('a', 64));

        var (exit, _, error) = await PluginAICli.RunAsync(_home, Environment(hub), "models", "pull", "hf:test/bad");

        Assert.Equal(1, exit);
        Assert.Contains($"SHA-256 is {Sha(_small)}, but the source publishes {new string('a', 64)}", error, StringComparison.Ordinal);
        Assert.Contains("was deleted", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(ModelsFolder));
        Assert.Empty((await RunJsonAsync("models", "list", "--json")).EnumerateArray());
    }

    [Fact]
    public async Task Pull_ServerWantsAToken_SaysSetHfToken_AndTheTokenIsSentButNeverPrinted()
    {
        _hub.RequiredToken = "hf_secret_token_123";

        var (exit, _, error) = await PluginAICli.RunAsync(_home, Environment(), "models", "pull", "hf:test/tiny");

        Assert.Equal(1, exit);
        Assert.Contains("401", error, StringComparison.Ordinal);
        Assert.Contains("set HF_TOKEN", error, StringComparison.Ordinal);
        Assert.Contains($"{_hub.Endpoint}/api/models/test/tiny/tree/main", error, StringComparison.Ordinal);

        var environment = new Dictionary<string, string>(Environment()) { ["HF_TOKEN"] = "hf_secret_token_123" };
        var (okExit, output, okError) = await PluginAICli.RunAsync(_home, environment, "models", "pull", "hf:test/tiny", "--json");
        Assert.True(okExit == 0, okError);
        Assert.DoesNotContain("hf_secret_token_123", output + okError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_EndpointAndTokenFromHubJson_AreUsedWhenTheEnvironmentHasNone()
    {
        _hub.RequiredToken = "hf_from_config";
        await File.WriteAllTextAsync(Path.Combine(_home, "hub.json"), $$"""{ "endpoint": "{{_hub.Endpoint}}", "token": "hf_from_config" }""");
        var environment = new Dictionary<string, string> { ["HF_ENDPOINT"] = string.Empty, ["HF_TOKEN"] = string.Empty };

        var (exit, output, error) = await PluginAICli.RunAsync(_home, environment, "models", "pull", "hf:test/tiny:Q4_K_M", "--json");

        Assert.True(exit == 0, error);
        Assert.DoesNotContain("hf_from_config", output + error, StringComparison.Ordinal);
        Assert.Equal(_small, await File.ReadAllBytesAsync(Path.Combine(ModelsFolder, SmallFile)));
    }

    [Fact]
    public async Task Pull_HfEndpoint_SelectsTheHub_TheListingAndTheFileAreRequestedThere()
    {
        using var other = new FakeHub();
        other.AddFile(SmallFile, _small);

        var (exit, output, error) = await PluginAICli.RunAsync(_home, Environment(other), "models", "pull", "hf:test/tiny:Q4_K_M", "--json");

        Assert.True(exit == 0, output + error);
        Assert.Contains(other.RequestsSeen, r => r.Contains("/api/models/test/tiny/tree/main", StringComparison.Ordinal));
        Assert.Contains(other.RequestsSeen, r => r.Contains($"/test/tiny/resolve/main/{SmallFile}", StringComparison.Ordinal));
        Assert.Empty(_hub.RequestsSeen);
    }

    [Fact]
    public async Task Pull_EndpointOption_WinsOverHfEndpoint_AndTheRequestsArriveThere()
    {
        using var chosen = new FakeHub();
        chosen.AddFile(SmallFile, _small);

        var (exit, output, error) = await PluginAICli.RunAsync(_home, Environment(), "models", "pull", "hf:test/tiny:Q4_K_M", "--endpoint", chosen.Endpoint, "--json");

        Assert.True(exit == 0, output + error);
        Assert.Contains(chosen.RequestsSeen, r => r.Contains("/api/models/test/tiny/tree/main", StringComparison.Ordinal));
        Assert.Contains(chosen.RequestsSeen, r => r.Contains($"/test/tiny/resolve/main/{SmallFile}", StringComparison.Ordinal));
        Assert.Empty(_hub.RequestsSeen);
        Assert.Contains(chosen.Endpoint.TrimEnd('/'), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_UnknownRepository_Is404NamingTheRepository()
    {
        var (exit, _, error) = await PluginAICli.RunAsync(_home, Environment(), "models", "pull", "hf:someone/missing");

        Assert.Equal(1, exit);
        Assert.Contains("404", error, StringComparison.Ordinal);
        Assert.Contains("the repository 'someone/missing' does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_WebPageInsteadOfTheFile_IsAClearErrorNamingTheUrl()
    {
        _hub.AnswerWithHtml = true;

        var (exit, _, error) = await PluginAICli.RunAsync(_home, Environment(), "models", "pull", "hf:test/tiny");

        Assert.Equal(1, exit);
        Assert.Contains($"{_hub.Endpoint}/test/tiny/resolve/main/{LargeFile}", error, StringComparison.Ordinal);
        Assert.Contains("sent a web page (HTML) instead of the file", error, StringComparison.Ordinal);
        Assert.Empty((await RunJsonAsync("models", "list", "--json")).EnumerateArray());
    }

    [Fact]
    public async Task Pull_FileNameThatWouldLeaveTheModelsFolder_IsRefused()
    {
        using var hub = new FakeHub("test/evil");
        hub.AddFile("..\\..\\evil.gguf", _small);

        var (exit, _, error) = await PluginAICli.RunAsync(_home, Environment(hub), "models", "pull", "hf:test/evil");

        Assert.Equal(1, exit);
        Assert.Contains("is not a safe file name", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_home, "evil*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Pull_Url_NeedsASha256OrNoVerify_AndChecksTheOneGiven()
    {
        var url = $"{_hub.Endpoint}/test/tiny/resolve/main/{SmallFile}";

        var (refusedExit, _, refused) = await PluginAICli.RunAsync(_home, Environment(), "models", "pull", url);
        Assert.Equal(1, refusedExit);
        Assert.Contains("--sha256", refused, StringComparison.Ordinal);

        var (wrongExit, _, wrong) = await PluginAICli.RunAsync(_home, Environment(), "models", "pull", url, "--sha256", new string('b', 64));
        Assert.Equal(1, wrongExit);
        Assert.Contains("was deleted", wrong, StringComparison.Ordinal);

        var done = await PullJsonAsync(url, "--sha256", Sha(_small).ToUpperInvariant());
        Assert.True(done.GetProperty("verified").GetBoolean());
        Assert.Equal(_small, await File.ReadAllBytesAsync(done.GetProperty("path").GetString()!));
    }

    [Fact]
    public async Task Info_Json_GivesTheHeaderAsAPersonNeedsIt_AndThePlan()
    {
        var file = Path.Combine(_home, "small.gguf");

        var info = await RunJsonAsync("models", "info", file, "--json");

        Assert.Equal("llama", info.GetProperty("architecture").GetString());
        Assert.Equal("tiny-llama", info.GetProperty("name").GetString());
        Assert.Equal("F32", info.GetProperty("quantization").GetString());
        Assert.Equal(2048, info.GetProperty("contextLength").GetInt32());
        Assert.Equal(2, info.GetProperty("layers").GetInt32());
        Assert.True(info.GetProperty("hasChatTemplate").GetBoolean());
        Assert.Equal("llama", info.GetProperty("tokenizer").GetString());
        Assert.Equal(512, info.GetProperty("vocabularySize").GetInt32());
        Assert.InRange(info.GetProperty("parameters").GetInt64(), 100_000, _small.Length / 4);
        Assert.Equal("llama.cpp", info.GetProperty("backend").GetString());
        Assert.True(info.GetProperty("plan").GetProperty("estimatedMemoryBytes").GetInt64() > 0);
    }

    [Fact]
    public async Task Quantize_F32ToQ8_0_WritesASmallerCopyBesideIt_RegistersIt_AndItGenerates()
    {
        var source = Path.Combine(_home, "large.gguf");
        var (addExit, _, addError) = await PluginAICli.RunAsync(_home, "models", "add", "big", source);
        Assert.True(addExit == 0, addError);

        var result = await RunJsonAsync("models", "quantize", "big", "--type", "q8_0", "--json");

        Assert.Equal("big-Q8_0", result.GetProperty("name").GetString());
        Assert.Equal(Path.Combine(_home, "large.Q8_0.gguf"), result.GetProperty("path").GetString());
        Assert.True(result.GetProperty("bytes").GetInt64() < _large.Length / 2, $"{result.GetProperty("bytes").GetInt64()} of {_large.Length}");
        Assert.Equal("cpu", result.GetProperty("plan").GetProperty("device").GetString());
        var info = await RunJsonAsync("models", "info", "big-Q8_0", "--json");
        Assert.Equal("Q8_0", info.GetProperty("quantization").GetString());

        var answer = await RunJsonAsync("run", "-m", "big-Q8_0", "--max-tokens", "4", "--seed", "1", "--json", "Hi");
        Assert.InRange(answer.GetProperty("usage").GetProperty("outputTokens").GetInt32(), 1, 4);
    }

    private byte[] WriteModel(string name, TinyLlamaModelOptions options)
    {
        var path = Path.Combine(_home, name);
        TinyLlamaModel.Write(path, options);
        return File.ReadAllBytes(path);
    }

    private Dictionary<string, string> Environment(FakeHub? hub = null) => new()
    {
        ["HF_ENDPOINT"] = (hub ?? _hub).Endpoint,
        ["HF_TOKEN"] = string.Empty,
    };

    private async Task<JsonElement> PullJsonAsync(params string[] args)
    {
        var (exit, output, error) = await PluginAICli.RunAsync(_home, Environment(), ["models", "pull", .. args, "--json"]);
        Assert.True(exit == 0, $"exit {exit}: {output}\n{error}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var document = JsonDocument.Parse(lines[^1]);
        Assert.Equal("done", document.RootElement.GetProperty("event").GetString());
        return document.RootElement.Clone();
    }

    private async Task<JsonElement> RunJsonAsync(params string[] args)
    {
        var (exit, output, error) = await PluginAICli.RunAsync(_home, args);
        Assert.True(exit == 0, $"exit {exit}: {output}\n{error}");
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }

    private static string Sha(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
