using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using PluginAI.Processing;

namespace PluginAI.Host.Knowledge;

/// <summary>
/// Ingests a folder into a knowledge base: walks it, skips files unchanged since the last run by content hash,
/// parses and chunks the rest through the preprocessor plugins, embeds the chunks in batches, and stores each document
/// in one transaction; documents whose files are gone are removed.
/// </summary>
/// <remarks>
/// Reading and parsing run on <see cref="IngestionOptions.Parallelism"/> workers; embedding and storing run on one
/// consumer that batches chunks across documents. Each document is stored whole or not at all, so a run killed at any
/// moment loses nothing already stored, and the next run continues where it stopped without duplicating anything.
/// A file that cannot be read or parsed is skipped with its reason, and its stored version, if any, is kept.
/// </remarks>
public static class IngestionPipeline
{
    private const string UnknownMediaType = "application/octet-stream";

    /// <summary>Runs an ingestion.</summary>
    /// <param name="host">The host with the plugins.</param>
    /// <param name="options">What to ingest.</param>
    /// <param name="progress">Receives progress after each file.</param>
    /// <param name="cancellationToken">A token to stop; what was stored stays stored.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="PluginException">The folder does not exist, or no retriever or embedding model is available.</exception>
    public static async Task<IngestionReport> RunAsync(PluginHost host, IngestionOptions options, IProgress<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        var folder = Path.GetFullPath(options.Folder).TrimEnd(Path.DirectorySeparatorChar);
        if (!Directory.Exists(folder))
        {
            throw new PluginException(File.Exists(folder)
                ? $"{folder} is a file; expected a folder of documents to ingest."
                : $"{folder}: the folder does not exist.") { FilePath = folder, ErrorCode = "ingest.no-folder" };
        }

        var total = Stopwatch.StartNew();
        var catalog = new KnowledgeBaseCatalog(host);
        await using var session = await catalog.OpenAsync(options.KnowledgeBase, create: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        catalog.AddFolder(session.Info, folder);
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var document in session.Store.ListDocumentsAsync(cancellationToken).ConfigureAwait(false))
        {
            stored[document.SourcePath] = document.ContentHash;
        }

        var skipped = new ConcurrentQueue<SkippedFile>();
        var walkSkips = new List<SkippedFile>();
        var files = FileWalker.Walk(folder, options, walkSkips);
        foreach (var skip in walkSkips)
        {
            skipped.Enqueue(skip);
        }

        var embedder = session.Embedder.Model.EmbeddingGenerator!;
        var counter = embedder.GetService<ITokenCounter>();
        var preprocessors = host.GetPreprocessors();
        var state = new State(files.Count, progress);
        var channel = Channel.CreateBounded<DocumentContent>(new BoundedChannelOptions(Math.Max(2, options.Parallelism * 2)) { SingleReader = true });

        // If storing fails, the parsers must stop too rather than wait forever on a full channel.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = stop.Token }, async (path, ct) =>
                    {
                        var watch = Stopwatch.StartNew();
                        var document = await ReadAndParseAsync(path, options, stored, counter, preprocessors, skipped, state, ct).ConfigureAwait(false);
                        state.AddParseTime(watch.Elapsed);
                        if (document is not null)
                        {
                            await channel.Writer.WriteAsync(document, ct).ConfigureAwait(false);
                        }
                    }).ConfigureAwait(false);
                    channel.Writer.Complete();
                }
                catch (Exception ex)
                {
                    channel.Writer.Complete(ex);
                    throw;
                }
            },
            stop.Token);

        try
        {
            await ConsumeAsync(channel.Reader, session, embedder, options, stored, skipped, state, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(producer).ConfigureAwait(false);
            throw;
        }

        await producer.ConfigureAwait(false);

        var seen = new HashSet<string>(files, StringComparer.Ordinal);
        var removed = 0;
        foreach (var path in stored.Keys.Where(p => IsUnder(p, folder) && !seen.Contains(p) && !File.Exists(p)).ToList())
        {
            if (await session.Store.RemoveDocumentAsync(path, cancellationToken).ConfigureAwait(false))
            {
                removed++;
            }
        }

        return new IngestionReport
        {
            KnowledgeBase = session.Info.Name,
            Files = files.Count,
            Added = state.Added,
            Updated = state.Updated,
            Unchanged = state.Unchanged,
            Removed = removed,
            Chunks = state.Chunks,
            Skipped = [.. skipped.OrderBy(s => s.Path, StringComparer.Ordinal)],
            Elapsed = total.Elapsed,
            ParseTime = state.ParseTime,
            EmbedTime = state.EmbedTime,
            StoreTime = state.StoreTime,
        };
    }

    private static async Task<DocumentContent?> ReadAndParseAsync(string path, IngestionOptions options, Dictionary<string, string> stored, ITokenCounter? counter, IReadOnlyList<IPreprocessor> preprocessors, ConcurrentQueue<SkippedFile> skipped, State state, CancellationToken cancellationToken)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Length > options.MaxFileBytes)
            {
                return Skip($"the file is {info.Length / (1024.0 * 1024):0.#} MiB, larger than the {options.MaxFileBytes / (1024 * 1024)} MiB limit (raise it with --max-file-size)");
            }

            if (info.Length == 0)
            {
                return Skip("the file is empty");
            }

            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (stored.TryGetValue(path, out var previous) && previous == hash)
            {
                state.FileDone(path, unchanged: true);
                return null;
            }

            var document = new DocumentContent
            {
                SourcePath = path,
                MediaType = UnknownMediaType,
                Content = bytes,
                ContentHash = hash,
                LastModified = info.LastWriteTimeUtc,
                TokenCounter = counter,
            };
            foreach (var preprocessor in preprocessors)
            {
                document = await preprocessor.ProcessDocumentAsync(document, cancellationToken).ConfigureAwait(false);
            }

            if (document.Chunks.Count == 0)
            {
                return Skip(document.MediaType == UnknownMediaType
                    ? "no preprocessor recognises this type of file"
                    : $"no text was found ({document.MediaType})");
            }

            // The raw bytes are not needed past parsing; dropping them keeps memory flat while documents queue.
            return document with { Content = ReadOnlyMemory<byte>.Empty };
        }
        catch (Exception ex) when (ex is PluginException or PluginFaultException or IOException or UnauthorizedAccessException)
        {
            return Skip(ex switch
            {
                UnauthorizedAccessException => "the file cannot be read: permission denied",
                IOException => $"the file cannot be read: {ex.Message}",
                _ => ex.Message.Replace(path + ": ", string.Empty, StringComparison.Ordinal),
            });
        }

        DocumentContent? Skip(string reason)
        {
            skipped.Enqueue(new SkippedFile(path, reason));
            state.FileDone(path, unchanged: false);
            return null;
        }
    }

    private static async Task ConsumeAsync(ChannelReader<DocumentContent> reader, KnowledgeBaseSession session, IEmbeddingGenerator<string, Embedding<float>> embedder, IngestionOptions options, Dictionary<string, string> stored, ConcurrentQueue<SkippedFile> skipped, State state, CancellationToken cancellationToken)
    {
        var batch = new List<DocumentContent>();
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // Take what is ready, up to a batch of chunks, so that small documents share one embedding call.
            while (batch.Sum(d => d.Chunks.Count) < options.EmbeddingBatchSize && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            var texts = batch.SelectMany(d => d.Chunks.Select(c => c.Text)).ToList();
            var watch = Stopwatch.StartNew();
            GeneratedEmbeddings<Embedding<float>> vectors;
            try
            {
                vectors = await embedder.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is PluginException or PluginFaultException)
            {
                foreach (var failed in batch)
                {
                    skipped.Enqueue(new SkippedFile(failed.SourcePath, $"embedding failed: {ex.Message}"));
                    state.FileDone(failed.SourcePath, unchanged: false);
                }

                batch.Clear();
                continue;
            }

            state.AddEmbedTime(watch.Elapsed);
            var offset = 0;
            foreach (var document in batch)
            {
                var chunks = document.Chunks.Select((c, i) => c with { Embedding = vectors[offset + i].Vector }).ToList();
                offset += chunks.Count;
                watch.Restart();
                await session.Store.UpsertDocumentAsync(document with { Chunks = chunks }, cancellationToken).ConfigureAwait(false);
                state.AddStoreTime(watch.Elapsed);
                state.Stored(document.SourcePath, isNew: !stored.ContainsKey(document.SourcePath), chunks.Count);
            }

            batch.Clear();
        }
    }

    private static bool IsUnder(string path, string folder) =>
        path.StartsWith(folder + Path.DirectorySeparatorChar, OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

    private sealed class State(int total, IProgress<IngestionProgress>? progress)
    {
        private int _done;
        private int _added;
        private int _updated;
        private int _unchanged;
        private long _chunks;
        private long _parseTicks;
        private long _embedTicks;
        private long _storeTicks;

        public int Added => _added;

        public int Updated => _updated;

        public int Unchanged => _unchanged;

        public long Chunks => Interlocked.Read(ref _chunks);

        public TimeSpan ParseTime => TimeSpan.FromTicks(Interlocked.Read(ref _parseTicks));

        public TimeSpan EmbedTime => TimeSpan.FromTicks(Interlocked.Read(ref _embedTicks));

        public TimeSpan StoreTime => TimeSpan.FromTicks(Interlocked.Read(ref _storeTicks));

        public void AddParseTime(TimeSpan time) => Interlocked.Add(ref _parseTicks, time.Ticks);

        public void AddEmbedTime(TimeSpan time) => Interlocked.Add(ref _embedTicks, time.Ticks);

        public void AddStoreTime(TimeSpan time) => Interlocked.Add(ref _storeTicks, time.Ticks);

        public void FileDone(string path, bool unchanged)
        {
            if (unchanged)
            {
                Interlocked.Increment(ref _unchanged);
            }

            Report(path);
        }

        public void Stored(string path, bool isNew, int chunks)
        {
            Interlocked.Increment(ref isNew ? ref _added : ref _updated);
            Interlocked.Add(ref _chunks, chunks);
            Report(path);
        }

        private void Report(string path)
        {
            var done = Interlocked.Increment(ref _done);
            progress?.Report(new IngestionProgress(total, done, Chunks, path));
        }
    }
}
