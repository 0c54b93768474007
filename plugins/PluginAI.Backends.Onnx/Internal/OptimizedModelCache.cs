using System.Text;

namespace PluginAI.Backends.Onnx.Internal;

/// <summary>
/// The graph ONNX Runtime optimised at <c>ORT_ENABLE_ALL</c>, kept on disk so later loads skip the optimisation.
/// </summary>
/// <remarks>
/// The file name holds the model's hash, the onnxruntime version and the execution provider, since an optimised graph
/// may contain fused operators of one provider and one runtime version. A <c>.sha256</c> file beside it records the
/// graph's hash when it was written; a graph that is missing, does not match or does not load is rebuilt.
/// </remarks>
internal sealed class OptimizedModelCache
{
    /// <summary>Initializes a new instance of the <see cref="OptimizedModelCache"/> class.</summary>
    /// <param name="cacheRoot">The cache root.</param>
    /// <param name="files">The model.</param>
    /// <param name="device">The device the graph is optimised for.</param>
    public OptimizedModelCache(string cacheRoot, BertModelFiles files, string device)
    {
        var id = new StringBuilder(files.ModelId.Length);
        foreach (var c in files.ModelId)
        {
            id.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        Folder = Path.Combine(Path.GetFullPath(cacheRoot), "optimized");
        ModelPath = Path.Combine(Folder, $"{id}-{files.ModelSha256[..16]}-ort{ExecutionProviders.RuntimeVersion}-{device}.onnx");
        HashPath = ModelPath + ".sha256";
    }

    /// <summary>Gets the folder of optimised graphs.</summary>
    public string Folder { get; }

    /// <summary>Gets the optimised graph.</summary>
    public string ModelPath { get; }

    /// <summary>Gets the file that records the optimised graph's SHA-256.</summary>
    public string HashPath { get; }

    /// <summary>Returns whether an intact optimised graph is in the cache.</summary>
    /// <param name="cancellationToken">A token to cancel hashing.</param>
    /// <returns><see langword="true"/> when the graph exists and matches its recorded hash.</returns>
    public async Task<bool> IsValidAsync(CancellationToken cancellationToken)
    {
        string recorded;
        try
        {
            if (!File.Exists(ModelPath) || !File.Exists(HashPath))
            {
                return false;
            }

            recorded = (await File.ReadAllTextAsync(HashPath, cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        return recorded.Length == 64 && await FileHashing.TrySha256Async(ModelPath, cancellationToken).ConfigureAwait(false) == recorded;
    }

    /// <summary>Returns a fresh path for ONNX Runtime to write the optimised graph to.</summary>
    /// <returns>A temporary path in the cache folder.</returns>
    public string CreateTemporaryPath()
    {
        Directory.CreateDirectory(Folder);
        return $"{ModelPath}.{Guid.NewGuid():N}.tmp";
    }

    /// <summary>Moves a graph ONNX Runtime has written into place, with its hash.</summary>
    /// <param name="temporaryPath">The path from <see cref="CreateTemporaryPath"/>.</param>
    /// <param name="cancellationToken">A token to cancel hashing.</param>
    /// <exception cref="IOException">The cache folder cannot be written.</exception>
    public async Task CommitAsync(string temporaryPath, CancellationToken cancellationToken)
    {
        var hash = await FileHashing.Sha256Async(temporaryPath, cancellationToken).ConfigureAwait(false);
        var temporaryHash = temporaryPath + ".sha256";
        await File.WriteAllTextAsync(temporaryHash, hash, cancellationToken).ConfigureAwait(false);

        // Graph first, hash second: a crash in between leaves a stale hash, which reads as a damaged graph and is rebuilt.
        File.Move(temporaryPath, ModelPath, overwrite: true);
        File.Move(temporaryHash, HashPath, overwrite: true);
    }

    /// <summary>Deletes the cached graph and its hash, and a temporary file if given.</summary>
    /// <param name="temporaryPath">A temporary path to delete as well, or <see langword="null"/>.</param>
    public void Delete(string? temporaryPath = null)
    {
        foreach (var path in new[] { ModelPath, HashPath, temporaryPath, temporaryPath + ".sha256" })
        {
            try
            {
                if (path is not null)
                {
                    File.Delete(path);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The cache is an optimisation: a file that cannot be deleted is rebuilt or ignored on the next load.
            }
        }
    }
}
