using System.Text.RegularExpressions;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>Opens knowledge bases stored as SQLite files.</summary>
internal sealed partial class SqliteRetriever : IRetriever
{
    private static readonly RetrieverMetadata s_metadata = new("sqlite") { Modes = [SearchMode.Hybrid, SearchMode.Vector, SearchMode.Keyword] };

    private readonly SqliteRetrieverSettings _settings;

    public SqliteRetriever(SqliteRetrieverSettings settings) => _settings = settings;

    /// <inheritdoc />
    public RetrieverMetadata Metadata => s_metadata;

    /// <inheritdoc />
    public Task<IKnowledgeBase> OpenAsync(KnowledgeBaseOptions options, CancellationToken cancellationToken = default) =>
        Task.FromResult<IKnowledgeBase>(Open(options));

    /// <summary>Opens a knowledge base with its concrete type; for tests and benchmarks.</summary>
    internal SqliteKnowledgeBase Open(KnowledgeBaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!ValidName().IsMatch(options.Name))
        {
            throw new PluginException(
                $"'{options.Name}' is not a valid knowledge base name: use 1 to 128 letters, digits, '.', '-' or '_', starting with a letter or digit.")
            {
                ErrorCode = "knowledge-base.bad-name",
            };
        }

        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            throw new PluginException($"Knowledge base '{options.Name}' needs a directory.") { ErrorCode = "knowledge-base.no-directory" };
        }

        if (options.EmbeddingDimensions <= 0 || string.IsNullOrWhiteSpace(options.EmbeddingModelId))
        {
            throw new PluginException($"Knowledge base '{options.Name}' needs an embedding model id and a positive dimension.")
            {
                ErrorCode = "knowledge-base.no-model",
            };
        }

        return SqliteKnowledgeBase.Open(options, _settings);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex ValidName();
}
