using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Backends;
using PluginAI.Testing;

namespace PluginAI.Backends.Onnx.Tests;

/// <summary>Runs the backend conformance suite against the ONNX backend with the built-in model.</summary>
public sealed class OnnxBackendConformanceTests : BackendConformanceTests
{
    // xunit creates the class for every test; one fixed data folder keeps the model extracted and its graph optimised
    // once, across runs too (every load verifies both by hash, and writes are atomic), so each test only pays for a session.
    private static readonly string s_dataDirectory = Path.Combine(Path.GetTempPath(), "pluginai-onnx-conformance");

    protected override IInferenceBackend CreateBackend() =>
        new OnnxEmbeddingBackend(new OnnxBackendOptions { DataDirectory = s_dataDirectory }, NullLoggerFactory.Instance);

    protected override ModelLoadRequest CreateModelRequest() => new() { ModelPath = "all-MiniLM-L6-v2" };
}
