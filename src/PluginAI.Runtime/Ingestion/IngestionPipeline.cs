using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using PluginAI.Processing;

namespace PluginAI.Runtime.Ingestion;

/// <summary>
/// Runs the ingestion stages: source (list, read) → detect/parse/chunk (the preprocessor plugins) → embed (batched) →
/// sink (store); documents the source no longer has are removed from the sink.
/// </summary>
/// <remarks>
/// Reading and parsing run on <see cref="IngestionOptions.Parallelism"/> workers; embedding and storing run on one
/// consumer that batches chunks across documents. Each document is stored whole or not at all, so a run killed at any
/// moment loses nothing already stored, and the next run continues where it stopped without duplicating anything.
/// A document that cannot be read or parsed is skipped with its reason, and its stored version, if any, is kept.
/// </remarks>
internal sealed class IngestionPipeline(
    IDocumentSource source,
    IDocumentSink sink,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    IReadOnlyList<IPreprocessor> preprocessors,
    string embeddingModelId,
    IngestionOptions options)
{
    private const string UnknownMediaType = "application/octet-stream";

    public async Task<IngestionReport> RunAsync(string knowledgeBase, IProgress<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var stored = await sink.GetStoredHashesAsync(cancellationToken).ConfigureAwait(false);
        var skipped = new ConcurrentQueue<SkippedFile>();
        var listSkips = new List<SkippedFile>();
        var documents = await source.ListAsync(listSkips, cancellationToken).ConfigureAwait(false);
        foreach (var skip in listSkips)
        {
            skipped.Enqueue(skip);
        }

        var state = new IngestionState(documents.Count, progress);
        progress?.Report(new IngestionProgress(documents.Count, 0, 0, null) { Kind = IngestionEventKind.Listed });
        var channel = Channel.CreateBounded<DocumentContent>(new BoundedChannelOptions(Math.Max(2, options.Parallelism * 2)) { SingleReader = true });

        // If storing fails, the parsers must stop too rather than wait forever on a full channel.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await Parallel.ForEachAsync(documents, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = stop.Token }, async (document, ct) =>
                    {
                        var watch = Stopwatch.StartNew();
                        var parsed = await ReadAndParseAsync(document, stored, skipped, state, ct).ConfigureAwait(false);
                        state.AddParseTime(watch.Elapsed);
                        if (parsed is not null)
                        {
                            await channel.Writer.WriteAsync(parsed, ct).ConfigureAwait(false);
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
            await EmbedAndStoreAsync(channel.Reader, stored, skipped, state, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(producer).ConfigureAwait(false);
            throw;
        }

        await producer.ConfigureAwait(false);

        var listed = new HashSet<string>(documents.Select(d => d.Key), StringComparer.Ordinal);
        var removed = 0;
        foreach (var key in stored.Keys.Where(k => !listed.Contains(k) && source.IsRemoved(k)).ToList())
        {
            if (await sink.RemoveAsync(key, cancellationToken).ConfigureAwait(false))
            {
                removed++;
                progress?.Report(new IngestionProgress(documents.Count, documents.Count, state.Chunks, key) { Kind = IngestionEventKind.Removed });
            }
        }

        return new IngestionReport
        {
            KnowledgeBase = knowledgeBase,
            Files = documents.Count,
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

    private async Task<DocumentContent?> ReadAndParseAsync(SourceDocument item, IReadOnlyDictionary<string, string> stored, ConcurrentQueue<SkippedFile> skipped, IngestionState state, CancellationToken cancellationToken)
    {
        var key = item.Key;
        try
        {
            if (item.Length > options.MaxFileBytes)
            {
                return Skip($"the file is {item.Length / (1024.0 * 1024):0.#} MiB, larger than the {options.MaxFileBytes / (1024 * 1024)} MiB limit (raise it with --max-file-size)");
            }

            if (item.Length == 0)
            {
                return Skip("the file is empty");
            }

            var bytes = await source.ReadAsync(item, cancellationToken).ConfigureAwait(false);
            var hash = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
            if (stored.TryGetValue(key, out var previous) && previous == hash)
            {
                state.MarkUnchanged(key);
                return null;
            }

            var document = new DocumentContent
            {
                SourcePath = key,
                MediaType = item.MediaType ?? UnknownMediaType,
                Content = bytes,
                ContentHash = hash,
                LastModified = item.LastModified,
                EmbeddingModelId = embeddingModelId,
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
        catch (Exception ex) when (ex is PluginException or Host.PluginFaultException or IOException or UnauthorizedAccessException)
        {
            return Skip(ex switch
            {
                UnauthorizedAccessException => "the file cannot be read: permission denied",
                IOException => $"the file cannot be read: {ex.Message}",
                _ => ex.Message.Replace(key + ": ", string.Empty, StringComparison.Ordinal),
            });
        }

        DocumentContent? Skip(string reason)
        {
            skipped.Enqueue(new SkippedFile(key, reason));
            state.Skipped(key, reason);
            return null;
        }
    }

    private async Task EmbedAndStoreAsync(ChannelReader<DocumentContent> reader, IReadOnlyDictionary<string, string> stored, ConcurrentQueue<SkippedFile> skipped, IngestionState state, CancellationToken cancellationToken)
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
            catch (Exception ex) when (ex is PluginException or Host.PluginFaultException)
            {
                foreach (var failed in batch)
                {
                    var reason = $"embedding failed: {ex.Message}";
                    skipped.Enqueue(new SkippedFile(failed.SourcePath, reason));
                    state.Skipped(failed.SourcePath, reason);
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
                await sink.StoreAsync(document with { Chunks = chunks }, cancellationToken).ConfigureAwait(false);
                state.AddStoreTime(watch.Elapsed);
                state.Stored(document.SourcePath, isNew: !stored.ContainsKey(document.SourcePath), chunks.Count);
            }

            batch.Clear();
        }
    }
}
