using PluginAI.Retrieval;
using PluginAI.Testing;

namespace Acme.Plugin._1.Tests;

/// <summary>Runs the PluginAI retriever conformance suite against <see cref="InMemoryRetriever"/>.</summary>
public sealed class InMemoryConformanceTests : RetrieverConformanceTests
{
    protected override IRetriever CreateRetriever() => new InMemoryRetriever();
}
