using Microsoft.Extensions.Logging;
using PluginAI.Backends;
using PluginAI.Backends.Llama.Internal;
using PluginAI.TestSupport;

namespace PluginAI.Backends.Llama.Tests;

/// <summary>Tiny models written once per test class, and a chat model loaded from one of them.</summary>
public sealed class TinyModelFixture : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "pluginai-llama-" + Guid.NewGuid().ToString("N"));

    public string ChatMLModelPath => Path.Combine(Directory, "tiny-chatml.gguf");

    public string PlainModelPath => Path.Combine(Directory, "tiny-plain.gguf");

    public ListLogger Logger { get; } = new();

    public IInferenceBackend Backend { get; private set; } = null!;

    public ILoadedModel Model { get; private set; } = null!;

    public static DevicePlan Plan(int contextSize = 512, bool memoryMap = true, bool lockMemory = false) => new()
    {
        Threads = 2,
        ContextSize = contextSize,
        BatchSize = 128,
        UseMemoryMap = memoryMap,
        LockMemory = lockMemory,
    };

    public string File(string name) => Path.Combine(Directory, name);

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        TinyLlamaModel.Write(ChatMLModelPath, new TinyLlamaModelOptions { ChatTemplate = TinyLlamaModel.ChatMLTemplate });
        TinyLlamaModel.Write(PlainModelPath, new TinyLlamaModelOptions { Seed = 7 });
        Backend = new LlamaBackend(Logger);
        Model = await Backend.LoadModelAsync(new ModelLoadRequest { ModelPath = ChatMLModelPath, Plan = Plan() });
    }

    public async Task DisposeAsync()
    {
        await Model.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Keeps log messages in memory so that tests can see what reached the logger.</summary>
public sealed class ListLogger : ILogger
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
