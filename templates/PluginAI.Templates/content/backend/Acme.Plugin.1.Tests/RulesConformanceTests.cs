using PluginAI.Backends;
using PluginAI.Testing;

namespace Acme.Plugin._1.Tests;

/// <summary>Runs the PluginAI backend conformance suite against <see cref="RulesBackend"/> with the tiny test model.</summary>
public sealed class RulesConformanceTests : BackendConformanceTests
{
    protected override IInferenceBackend CreateBackend() => new RulesBackend();

    protected override ModelLoadRequest CreateModelRequest() => new() { ModelPath = Path.Combine(AppContext.BaseDirectory, "tiny.rules") };
}
