using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Runtime.Ingestion;

/// <summary>
/// Runs the ingestion stages: source (list, read) → detect/parse/chunk (the preprocessor plugins) → embed (batched) →
/// sink (store); documents the source no longer has are removed from the sink.
/// </summary>
/// <remarks>
/// Reading and parsing run on <see cref="IngestionOptions.Parallelism"/> workers; embedding and storing run on one
/// consumer that batches chunks across documents. Each document is stored whole or not at all, so a run killed at any
/// moment loses nothing already stored, and the next run continues where it stopped without duplicating anything.
/// A document with more than <see cref="IngestionOptions.LargeDocumentChunks"/> chunks is embedded and kept in parts
/// (when the sink can), so that memory stays bounded, progress is reported per part, and a killed run continues from
/// the last part kept; it replaces the stored version only when complete.
/// A document that cannot be read or parsed is skipped with its reason, and its stored version, if any, is kept.
/// Before a changed document is parsed it is claimed in the sink: a document another ingestion holds is waited for,
/// not processed twice.
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
        var deferred = new ConcurrentQueue<(SourceDocument Document, string Hash)>();
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
                        var parsed = await ReadAndParseAsync(document, stored, skipped, state, deferred, ct).ConfigureAwait(false);
                        state.AddParseTime(watch.Elapsed);
                        if (parsed is not null)
                        {
                            await channel.Writer.WriteAsync(parsed, ct).ConfigureAwait(false);
                        }
                    }).ConfigureAwait(false);
                    await ProcessDeferredAsync(deferred, channel.Writer, stored, skipped, state, stop.Token).ConfigureAwait(false);
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
            StoredElsewhere = state.StoredElsewhere,
            Resumed = state.Resumed,
            Removed = removed,
            Chunks = state.Chunks,
            Skipped = [.. skipped.OrderBy(s => s.Path, StringComparer.Ordinal)],
            Elapsed = total.Elapsed,
            ParseTime = state.ParseTime,
            EmbedTime = state.EmbedTime,
            StoreTime = state.StoreTime,
        };
    }

    /// <summary>Waits for the documents other ingestions held, and processes those they gave up.</summary>
    private async Task ProcessDeferredAsync(ConcurrentQueue<(SourceDocument Document, string Hash)> deferred, ChannelWriter<DocumentContent> writer, IReadOnlyDictionary<string, string> stored, ConcurrentQueue<SkippedFile> skipped, IngestionState state, CancellationToken cancellationToken)
    {
        while (!deferred.IsEmpty)
        {
            await Task.Delay(options.ClaimPollInterval, cancellationToken).ConfigureAwait(false);
            var round = new List<(SourceDocument Document, string Hash)>();
            while (deferred.TryDequeue(out var entry))
            {
                round.Add(entry);
            }

            foreach (var (document, hash) in round)
            {
                var claim = await sink.ClaimAsync(document.Key, hash, cancellationToken).ConfigureAwait(false);
                switch (claim.Status)
                {
                    case DocumentClaimStatus.AlreadyStored:
                        state.MarkStoredElsewhere(document.Key);
                        break;
                    case DocumentClaimStatus.HeldElsewhere:
                        deferred.Enqueue((document, hash));
                        break;
                    default:
                        // The holder gave it up or is gone: parse it here (the file is read again, in case it changed).
                        var parsed = await ReadAndParseAsync(document, stored, skipped, state, deferred, cancellationToken).ConfigureAwait(false);
                        if (parsed is not null)
                        {
                            await writer.WriteAsync(parsed, cancellationToken).ConfigureAwait(false);
                        }

                        break;
                }
            }
        }
    }

    private async Task<DocumentContent?> ReadAndParseAsync(SourceDocument item, IReadOnlyDictionary<string, string> stored, ConcurrentQueue<SkippedFile> skipped, IngestionState state, ConcurrentQueue<(SourceDocument Document, string Hash)> deferred, CancellationToken cancellationToken)
    {
        var key = item.Key;
        var claimed = false;
        var handedOn = false;
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

            var claim = await sink.ClaimAsync(key, hash, cancellationToken).ConfigureAwait(false);
            if (claim.Status == DocumentClaimStatus.AlreadyStored)
            {
                state.MarkStoredElsewhere(key);
                return null;
            }

            if (claim.Status == DocumentClaimStatus.HeldElsewhere)
            {
                deferred.Enqueue((item, hash));
                state.Waiting(key, claim.Holder ?? "another ingestion");
                return null;
            }

            claimed = true;
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

            // The raw bytes and the sections are not needed past chunking; dropping them keeps memory flat while documents queue.
            handedOn = true;
            return document with { Content = ReadOnlyMemory<byte>.Empty, Sections = [] };
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
        finally
        {
            if (claimed && !handedOn && !cancellationToken.IsCancellationRequested)
            {
                await ReleaseQuietlyAsync(key).ConfigureAwait(false);
            }
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
                if (sink.SupportsPartialDocuments && next.Chunks.Count > options.LargeDocumentChunks)
                {
                    await StoreBatchAsync(batch, stored, skipped, state, cancellationToken).ConfigureAwait(false);
                    await StoreInPartsAsync(next, stored, skipped, state, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                batch.Add(next);
            }

            await StoreBatchAsync(batch, stored, skipped, state, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StoreBatchAsync(List<DocumentContent> batch, IReadOnlyDictionary<string, string> stored, ConcurrentQueue<SkippedFile> skipped, IngestionState state, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var texts = batch.SelectMany(d => d.Chunks.Select(c => c.EmbeddingText ?? c.Text)).ToList();
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
                await SkipEmbeddingAsync(failed, ex, skipped, state).ConfigureAwait(false);
            }

            batch.Clear();
            return;
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

    /// <summary>Embeds and keeps a large document one batch of chunks at a time, continuing after the parts an earlier run kept.</summary>
    private async Task StoreInPartsAsync(DocumentContent document, IReadOnlyDictionary<string, string> stored, ConcurrentQueue<SkippedFile> skipped, IngestionState state, CancellationToken cancellationToken)
    {
        var chunks = document.Chunks;
        if (chunks.Select((chunk, position) => chunk.Index != position).Any(misplaced => misplaced))
        {
            chunks = [.. chunks.Select((chunk, position) => chunk with { Index = position })];
            document = document with { Chunks = chunks };
        }

        var total = chunks.Count;

        // Parsing a file this large leaves hundreds of megabytes of garbage (the raw bytes, the decoded text, its
        // sections) that the collector would keep committed through the minutes of embedding that follow; one
        // compacting collection per large document gives it back, so the process holds only the chunks while it embeds.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var watch = Stopwatch.StartNew();
        var kept = await sink.BeginPartialAsync(document, cancellationToken).ConfigureAwait(false);
        state.AddStoreTime(watch.Elapsed);
        if (kept > 0)
        {
            state.MarkResumed();
        }

        state.Part(document.SourcePath, kept, total);
        for (var start = kept; start < total; start += options.EmbeddingBatchSize)
        {
            var count = Math.Min(options.EmbeddingBatchSize, total - start);
            var part = new List<DocumentChunk>(count);
            for (var i = start; i < start + count; i++)
            {
                part.Add(chunks[i]);
            }

            watch.Restart();
            GeneratedEmbeddings<Embedding<float>> vectors;
            try
            {
                vectors = await embedder.GenerateAsync(part.ConvertAll(c => c.EmbeddingText ?? c.Text), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is PluginException or Host.PluginFaultException)
            {
                await SkipEmbeddingAsync(document, ex, skipped, state).ConfigureAwait(false);
                return;
            }

            state.AddEmbedTime(watch.Elapsed);
            for (var i = 0; i < part.Count; i++)
            {
                part[i] = part[i] with { Embedding = vectors[i].Vector };
            }

            watch.Restart();
            await sink.AppendPartialAsync(document, part, cancellationToken).ConfigureAwait(false);
            state.AddStoreTime(watch.Elapsed);
            state.Part(document.SourcePath, start + count, total);
        }

        watch.Restart();
        await sink.CompletePartialAsync(document, cancellationToken).ConfigureAwait(false);
        state.AddStoreTime(watch.Elapsed);
        state.Stored(document.SourcePath, isNew: !stored.ContainsKey(document.SourcePath), total);
    }

    private async Task SkipEmbeddingAsync(DocumentContent document, Exception exception, ConcurrentQueue<SkippedFile> skipped, IngestionState state)
    {
        var reason = $"embedding failed: {exception.Message}";
        skipped.Enqueue(new SkippedFile(document.SourcePath, reason));
        state.Skipped(document.SourcePath, reason);
        await ReleaseQuietlyAsync(document.SourcePath).ConfigureAwait(false);
    }

    private async Task ReleaseQuietlyAsync(string key)
    {
        try
        {
            await sink.ReleaseAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PluginException or Host.PluginFaultException or IOException)
        {
            // An unreleased claim ends with this process; another ingestion then takes the document.
        }
    }
}
