namespace PluginAI.Runtime.Ingestion;

/// <summary>The documents of a folder tree on this disk, with include and exclude globs and <c>.pluginaiignore</c> files.</summary>
public sealed class FolderDocumentSource : IDocumentSource
{
    private readonly IngestionOptions _options;

    /// <summary>Initializes a new instance of the <see cref="FolderDocumentSource"/> class.</summary>
    /// <param name="options">The folder and its globs.</param>
    /// <exception cref="PluginException">The folder does not exist.</exception>
    public FolderDocumentSource(IngestionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Folder))
        {
            throw new PluginException("No folder was given; expected a folder of documents to ingest.") { ErrorCode = "ingest.no-folder" };
        }

        var folder = Path.GetFullPath(options.Folder).TrimEnd(Path.DirectorySeparatorChar);
        if (!Directory.Exists(folder))
        {
            throw new PluginException(File.Exists(folder)
                ? $"{folder} is a file; expected a folder of documents to ingest."
                : $"{folder}: the folder does not exist.") { FilePath = folder, ErrorCode = "ingest.no-folder" };
        }

        Folder = folder;
        _options = options;
    }

    /// <summary>Gets the full path of the folder.</summary>
    public string Folder { get; }

    /// <inheritdoc />
    public string Description => Folder;

    /// <inheritdoc />
    public Task<IReadOnlyList<SourceDocument>> ListAsync(ICollection<SkippedFile> skipped, CancellationToken cancellationToken = default)
    {
        var documents = new List<SourceDocument>();
        foreach (var path in FileWalker.Walk(Folder, _options, skipped))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var info = new FileInfo(path);
                documents.Add(new SourceDocument(path, info.Length, info.LastWriteTimeUtc));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                skipped.Add(new SkippedFile(path, $"the file cannot be read: {ex.Message}"));
            }
        }

        return Task.FromResult<IReadOnlyList<SourceDocument>>(documents);
    }

    /// <inheritdoc />
    public async Task<ReadOnlyMemory<byte>> ReadAsync(SourceDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return await File.ReadAllBytesAsync(document.Key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public bool IsRemoved(string key) =>
        key.StartsWith(Folder + Path.DirectorySeparatorChar, OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase)
        && !File.Exists(key);
}
