namespace PluginAI.Runtime.Ingestion;

/// <summary>What to ingest, and how.</summary>
public sealed class IngestionOptions
{
    /// <summary>The name of the file whose lines are globs to leave out, in any folder, as with .gitignore.</summary>
    public const string IgnoreFileName = ".pluginaiignore";

    /// <summary>Gets or sets the knowledge base to ingest into.</summary>
    public string KnowledgeBase { get; set; } = Knowledge.KnowledgeBaseService.DefaultName;

    /// <summary>Gets or sets the folder to ingest.</summary>
    public string Folder { get; set; } = string.Empty;

    /// <summary>Gets the globs a file must match (relative to <see cref="Folder"/>); empty means every file.</summary>
    public IList<string> Include { get; } = [];

    /// <summary>Gets the globs that leave files out, in addition to <see cref="IgnoreFileName"/> files.</summary>
    public IList<string> Exclude { get; } = [];

    /// <summary>
    /// Gets or sets a value indicating whether symbolic links that lead outside <see cref="Folder"/> are followed. Off by
    /// default: a link to <c>/etc/passwd</c> or a folder elsewhere is skipped with the reason. Links inside the folder are
    /// always followed.
    /// </summary>
    public bool FollowLinks { get; set; }

    /// <summary>Gets or sets the largest file to ingest, in bytes; larger files are skipped with a reason.</summary>
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Gets or sets how many files are read and parsed at once.</summary>
    public int Parallelism { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Gets or sets how many chunks are embedded in one call.</summary>
    public int EmbeddingBatchSize { get; set; } = 64;

    /// <summary>
    /// Gets or sets the number of chunks above which a document is embedded and kept in parts of
    /// <see cref="EmbeddingBatchSize"/> chunks, each durable, with progress; a run killed midway continues from the last
    /// part kept. Smaller documents are stored whole in one transaction.
    /// </summary>
    public int LargeDocumentChunks { get; set; } = 256;

    /// <summary>Gets or sets how often a document held by another ingestion is checked again.</summary>
    public TimeSpan ClaimPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
