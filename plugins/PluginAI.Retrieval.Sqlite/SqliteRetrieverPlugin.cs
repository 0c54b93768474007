using Microsoft.Extensions.DependencyInjection;
using PluginAI.Retrieval.Sqlite.Internal;

namespace PluginAI.Retrieval.Sqlite;

/// <summary>The plugin entry point: registers the SQLite retriever.</summary>
/// <remarks>
/// The HNSW threshold and parameters can be overridden with the environment variables
/// <c>PLUGINAI_SQLITE_HNSW_THRESHOLD</c>, <c>PLUGINAI_SQLITE_HNSW_M</c>, <c>PLUGINAI_SQLITE_HNSW_EF_CONSTRUCTION</c> and
/// <c>PLUGINAI_SQLITE_HNSW_EF</c>.
/// </remarks>
public sealed class SqliteRetrieverPlugin : IPlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddSingleton<IRetriever>(new SqliteRetriever(SqliteRetrieverSettings.FromEnvironment()));
}
