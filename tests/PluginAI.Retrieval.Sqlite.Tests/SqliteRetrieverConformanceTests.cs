using PluginAI.Retrieval;
using PluginAI.Retrieval.Sqlite.Internal;
using PluginAI.Testing;

namespace PluginAI.Retrieval.Sqlite.Tests;

public sealed class SqliteRetrieverConformanceTests : RetrieverConformanceTests
{
    protected override IRetriever CreateRetriever() => new SqliteRetriever(new SqliteRetrieverSettings());
}
