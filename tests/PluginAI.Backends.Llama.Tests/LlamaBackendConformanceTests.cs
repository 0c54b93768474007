using PluginAI.Backends.Llama.Internal;
using PluginAI.Testing;
using PluginAI.TestSupport;

namespace PluginAI.Backends.Llama.Tests;

/// <summary>Runs the backend conformance suite against the GGUF backend on a tiny ChatML model.</summary>
public sealed class LlamaBackendConformanceTests : BackendConformanceTests
{
    private static readonly Lazy<string> s_modelPath = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), "pluginai-llama-conformance", "tiny-chatml.gguf");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        TinyLlamaModel.Write(path, new TinyLlamaModelOptions { ChatTemplate = TinyLlamaModel.ChatMLTemplate });
        return path;
    });

    protected override IInferenceBackend CreateBackend() => new LlamaBackend(new ListLogger());

    protected override ModelLoadRequest CreateModelRequest() => new() { ModelPath = s_modelPath.Value, Plan = TinyModelFixture.Plan() };
}
