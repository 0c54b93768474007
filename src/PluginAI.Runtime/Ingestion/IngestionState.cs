namespace PluginAI.Runtime.Ingestion;

/// <summary>The counters of one ingestion run, updated from the parse workers and the store consumer.</summary>
internal sealed class IngestionState(int total, IProgress<IngestionProgress>? progress)
{
    private int _done;
    private int _added;
    private int _updated;
    private int _unchanged;
    private int _storedElsewhere;
    private int _resumed;
    private long _chunks;
    private long _parseTicks;
    private long _embedTicks;
    private long _storeTicks;

    public int Added => _added;

    public int Updated => _updated;

    public int Unchanged => _unchanged;

    public int StoredElsewhere => _storedElsewhere;

    public int Resumed => _resumed;

    public long Chunks => Interlocked.Read(ref _chunks);

    public TimeSpan ParseTime => TimeSpan.FromTicks(Interlocked.Read(ref _parseTicks));

    public TimeSpan EmbedTime => TimeSpan.FromTicks(Interlocked.Read(ref _embedTicks));

    public TimeSpan StoreTime => TimeSpan.FromTicks(Interlocked.Read(ref _storeTicks));

    public void AddParseTime(TimeSpan time) => Interlocked.Add(ref _parseTicks, time.Ticks);

    public void AddEmbedTime(TimeSpan time) => Interlocked.Add(ref _embedTicks, time.Ticks);

    public void AddStoreTime(TimeSpan time) => Interlocked.Add(ref _storeTicks, time.Ticks);

    public void MarkUnchanged(string key)
    {
        Interlocked.Increment(ref _unchanged);
        Report(key, IngestionEventKind.Unchanged, null);
    }

    public void MarkStoredElsewhere(string key)
    {
        Interlocked.Increment(ref _storedElsewhere);
        Report(key, IngestionEventKind.StoredElsewhere, null);
    }

    public void MarkResumed() => Interlocked.Increment(ref _resumed);

    public void Waiting(string key, string holder) =>
        progress?.Report(new IngestionProgress(total, Volatile.Read(ref _done), Chunks, key) { Kind = IngestionEventKind.Waiting, Reason = $"held by {holder}" });

    public void Part(string key, int done, int chunks) =>
        progress?.Report(new IngestionProgress(total, Volatile.Read(ref _done), Chunks, key) { Kind = IngestionEventKind.Part, DocumentChunksDone = done, DocumentChunksTotal = chunks });

    public void Skipped(string key, string reason) => Report(key, IngestionEventKind.Skipped, reason);

    public void Stored(string key, bool isNew, int chunks)
    {
        Interlocked.Increment(ref isNew ? ref _added : ref _updated);
        Interlocked.Add(ref _chunks, chunks);
        Report(key, IngestionEventKind.Stored, null);
    }

    private void Report(string key, IngestionEventKind kind, string? reason)
    {
        var done = Interlocked.Increment(ref _done);
        progress?.Report(new IngestionProgress(total, done, Chunks, key) { Kind = kind, Reason = reason });
    }
}
