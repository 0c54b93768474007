using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using PluginAI.Backends.Llama.Internal;
using PluginAI.Certification;
using PluginAI.Conformance;
using PluginAI.Hardware;
using PluginAI.Testing;
using PluginAI.TestSupport;

namespace PluginAI.Backends.Llama.Tests;

/// <summary>Runs the backend conformance suite through <see cref="ConformanceRunner"/>, as <c>pluginai certify</c> does, against the real GGUF backend.</summary>
public sealed partial class ConformanceRunnerTests : IDisposable
{
    private static readonly HardwareProfile s_machine = new()
    {
        OperatingSystem = "linux",
        OperatingSystemDescription = "Ubuntu 24.04",
        Architecture = "x64",
        RuntimeIdentifier = "linux-x64",
        Cpu = new CpuInfo { ModelName = "Test CPU", Vendor = "GenuineIntel", PhysicalCores = 2, LogicalCores = 2, InstructionSets = ["avx2"] },
        Memory = new MemoryInfo { TotalBytes = 8L << 30, AvailableBytes = 4L << 30 },
        Accelerators =
        [
            new AcceleratorInfo
            {
                Type = AcceleratorType.Gpu,
                Vendor = "nvidia",
                Name = "NVIDIA H200",
                PciId = "10de:2335",
                Driver = "nvidia 580.159.04",
                MemoryBytes = 141L << 30,
                Apis = [new AcceleratorApiSupport("cuda", "13.0")],
            },
        ],
    };

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "pluginai-runner-" + Guid.NewGuid().ToString("N"));
    private readonly string _modelPath;

    public ConformanceRunnerTests()
    {
        Directory.CreateDirectory(_directory);
        _modelPath = Path.Combine(_directory, "tiny-chatml.gguf");
        TinyLlamaModel.Write(_modelPath, new TinyLlamaModelOptions { ChatTemplate = TinyLlamaModel.ChatMLTemplate });
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task ConformanceRunner_RealBackend_AllPass_AndTheReportIsDeterministicApartFromTimings()
    {
        var seen = new List<ConformanceTestResult>();
        var options = new ConformanceRunOptions { PluginId = "pluginai.backends.llama", PluginVersion = "1.2.0", Hardware = s_machine };

        var first = await ConformanceRunner.RunBackendAsync(new LlamaBackend(new ListLogger()), Request(), options, new SynchronousProgress(seen.Add));
        var second = await ConformanceRunner.RunBackendAsync(new LlamaBackend(new ListLogger()), Request(), options);

        var facts = typeof(BackendConformanceTests).GetMethods().Count(m => m.GetCustomAttributes(typeof(FactAttribute), inherit: true).Length > 0);
        Assert.True(first.AllPassed, string.Join(Environment.NewLine, first.Tests.Where(t => t.Outcome != ConformanceOutcome.Passed).Select(t => $"{t.Name}: {t.Message}")));
        Assert.Equal(facts, first.Passed);
        Assert.Equal(0, first.Failed);
        Assert.Equal(first.Tests, seen);
        first.EnsurePassed();

        Assert.Equal("backend", first.Suite);
        Assert.Equal(ConformanceSuite.Version, first.SuiteVersion);
        Assert.Equal("tiny-chatml.gguf", first.ModelFile);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_modelPath))), first.ModelSha256);

        var json = first.ToJson();
        Assert.Equal(json, first.ToJson());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(json)), first.Sha256);
        var text = Encoding.UTF8.GetString(json);
        Assert.Contains("\"suite\": \"backend\"", text, StringComparison.Ordinal);
        Assert.Contains("\"id\": \"pluginai.backends.llama\"", text, StringComparison.Ordinal);
        Assert.Contains("\"pciId\": \"10de:2335\"", text, StringComparison.Ordinal);
        Assert.Contains("\"driver\": \"nvidia 580.159.04\"", text, StringComparison.Ordinal);
        Assert.Contains($"\"sha256\": \"{first.ModelSha256}\"", text, StringComparison.Ordinal);
        Assert.Contains("\"outcome\": \"passed\"", text, StringComparison.Ordinal);

        Assert.Equal(WithoutTimings(text), WithoutTimings(Encoding.UTF8.GetString(second.ToJson())));
    }

    [Fact]
    public async Task ConformanceRunner_FixedClock_GivesByteIdenticalReports()
    {
        var options = new ConformanceRunOptions { Hardware = s_machine, TimeProvider = new FixedTimeProvider() };

        var first = await ConformanceRunner.RunBackendAsync(new LlamaBackend(new ListLogger()), Request(), options);
        var second = await ConformanceRunner.RunBackendAsync(new LlamaBackend(new ListLogger()), Request(), options);

        Assert.True(first.AllPassed);
        Assert.Equal(first.ToJson(), second.ToJson());
        Assert.Equal(first.Sha256, second.Sha256);
    }

    [Fact]
    public async Task ConformanceRunner_BackendIgnoringMaxOutputTokens_ReportsThatTestFailedWithAMessage()
    {
        var backend = new IgnoresMaxOutputTokens(new LlamaBackend(new ListLogger()));

        var report = await ConformanceRunner.RunBackendAsync(backend, Request(), progress: null, CancellationToken.None);

        var failed = Assert.Single(report.Tests, t => t.Outcome == ConformanceOutcome.Failed);
        Assert.Equal(nameof(BackendConformanceTests.Chat_MaxOutputTokens_IsRespected), failed.Name);
        Assert.Contains("InRange", failed.Message, StringComparison.Ordinal);
        Assert.Equal(1, report.Failed);
        Assert.False(report.AllPassed);
        var ex = Assert.Throws<InvalidOperationException>(report.EnsurePassed);
        Assert.Contains(nameof(BackendConformanceTests.Chat_MaxOutputTokens_IsRespected), ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"outcome\": \"failed\"", Encoding.UTF8.GetString(report.ToJson()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConformanceRunner_CancelledToken_StopsTheRun()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => ConformanceRunner.RunBackendAsync(new LlamaBackend(new ListLogger()), Request(), progress: null, cts.Token));
    }

    private static string WithoutTimings(string json) => TimingPattern().Replace(json, "\"$1\": 0");

    [GeneratedRegex("\"(started|finished|durationMs)\": (\"[^\"]*\"|[0-9.eE+-]+)")]
    private static partial Regex TimingPattern();

    private ModelLoadRequest Request() => new() { ModelPath = _modelPath, Plan = TinyModelFixture.Plan() };

    private sealed class SynchronousProgress(Action<ConformanceTestResult> report) : IProgress<ConformanceTestResult>
    {
        public void Report(ConformanceTestResult value) => report(value);
    }

    private sealed class FixedTimeProvider : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

        public override long GetTimestamp() => 0;
    }

    /// <summary>A broken backend: its chat client generates at least 12 tokens whatever the caller asks for.</summary>
    private sealed class IgnoresMaxOutputTokens(IInferenceBackend inner) : IInferenceBackend
    {
        public BackendMetadata Metadata => inner.Metadata;

        public bool CanLoad(string modelPath) => inner.CanLoad(modelPath);

        public async Task<ILoadedModel> LoadModelAsync(ModelLoadRequest request, CancellationToken cancellationToken = default) =>
            new Model(await inner.LoadModelAsync(request, cancellationToken));

        private sealed class Model(ILoadedModel inner) : ILoadedModel
        {
            public ModelMetadata Metadata => inner.Metadata;

            public IChatClient? ChatClient { get; } = inner.ChatClient is { } chat ? new Client(chat) : null;

            public IEmbeddingGenerator<string, Embedding<float>>? EmbeddingGenerator => inner.EmbeddingGenerator;

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }

        private sealed class Client(IChatClient inner) : DelegatingChatClient(inner)
        {
            public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
                base.GetResponseAsync(messages, Loosen(options), cancellationToken);

            public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
                base.GetStreamingResponseAsync(messages, Loosen(options), cancellationToken);

            private static ChatOptions? Loosen(ChatOptions? options)
            {
                if (options?.Clone() is not { } copy)
                {
                    return options;
                }

                copy.MaxOutputTokens = Math.Max(copy.MaxOutputTokens ?? 0, 12);
                return copy;
            }
        }
    }
}
