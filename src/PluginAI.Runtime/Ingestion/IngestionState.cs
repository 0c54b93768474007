namespace PluginAI.Runtime.Ingestion;

/// <summary>The counters of one ingestion run, updated from the parse workers and the store consumer.</summary>
internal sealed class IngestionState(int total, IProgress<IngestionProgress>? progress)
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

    public void MarkUnchanged(string key)
    {
        Interlocked.Increment(ref _unchanged);
        Report(key, IngestionEventKind.Unchanged, null);
    }

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
