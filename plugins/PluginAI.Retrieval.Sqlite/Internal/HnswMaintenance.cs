using System.Security.Cryptography;
using System.Text.Json;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>Keeps the HNSW index of a knowledge base: loads its file when the stamp matches the database, builds it in the background, replays the changes made meanwhile, and saves it.</summary>
/// <remarks>
/// The index is a cache of the database. It shares the knowledge base's lock (searches walk the graph under its read
/// side, so reallocating and swapping the graph take the write side) and its write gate (a save must not race a
/// writer). <see cref="StartBuildIfNeeded"/> and <see cref="PendingBuild"/> are used under the knowledge base's load gate.
/// </remarks>
internal sealed class HnswMaintenance
{
    private readonly SqliteRetrieverSettings _settings;
    private readonly int _dimensions;
    private readonly ReaderWriterLockSlim _lock;
    private readonly SemaphoreSlim _writeGate;
    private readonly Func<long> _generation;
    private HnswIndex? _index;
    private bool _dirty;

    /// <summary>Initializes a new instance of the <see cref="HnswMaintenance"/> class.</summary>
    /// <param name="databasePath">The database; the index file lies beside it.</param>
    /// <param name="dimensions">The dimensions of the vectors.</param>
    /// <param name="settings">The index threshold and parameters.</param>
    /// <param name="lockObject">The knowledge base's reader-writer lock over its memory.</param>
    /// <param name="writeGate">The knowledge base's writer gate.</param>
    /// <param name="generation">Reads the database generation the memory is at.</param>
    public HnswMaintenance(string databasePath, int dimensions, SqliteRetrieverSettings settings, ReaderWriterLockSlim lockObject, SemaphoreSlim writeGate, Func<long> generation)
    {
        IndexPath = Path.ChangeExtension(databasePath, ".usearch");
        IndexStampPath = IndexPath + ".json";
        _dimensions = dimensions;
        _settings = settings;
        _lock = lockObject;
        _writeGate = writeGate;
        _generation = generation;
    }

    /// <summary>Gets the path of the HNSW index file.</summary>
    public string IndexPath { get; }

    /// <summary>Gets the path of the file that records which database generation the index file matches.</summary>
    public string IndexStampPath { get; }

    /// <summary>Gets the index searches use, or <see langword="null"/> while they scan exactly.</summary>
    public HnswIndex? Current => Volatile.Read(ref _index);

    /// <summary>Gets the background build, if one was started.</summary>
    public Task? PendingBuild { get; private set; }

    /// <summary>Adopts the saved index when the cache is large enough for one and the file matches it; called while loading, under the write lock.</summary>
    public void LoadIfPresent(VectorArena arena)
    {
        if (arena.Count >= _settings.HnswThreshold)
        {
            _index = TryLoad(arena);
        }
    }

    /// <summary>Marks the active index as changed since it was saved; called under the write lock.</summary>
    public void MarkChanged()
    {
        if (_index is not null)
        {
            _dirty = true;
        }
    }

    /// <summary>Drops the active index without saving it, because the cache it mirrors was retired; called under the write lock.</summary>
    public void Discard()
    {
        _index?.Dispose();
        _index = null;
        _dirty = false;
    }

    /// <summary>Adds a writer's vectors to <paramref name="index"/> before its commit, outside the lock, so searches are not held up while the graph links them.</summary>
    /// <param name="index">The index the writer saw.</param>
    /// <param name="added">The vectors to add.</param>
    /// <param name="preAdded">Receives each row added, for the writer to take out again if it does not commit.</param>
    public void AddBeforeCommit(HnswIndex index, List<(long RowId, float[] Vector)> added, List<long> preAdded)
    {
        if (index.Count + added.Count > index.Capacity)
        {
            // Reserving reallocates what searches walk, so it excludes them; doubling keeps it rare.
            _lock.EnterWriteLock();
            try
            {
                index.Reserve(Math.Max(index.Capacity * 2, index.Count + added.Count));
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }

        foreach (var (rowId, vector) in added)
        {
            index.Add(rowId, vector);
            preAdded.Add(rowId);
        }
    }

    /// <summary>Starts building the index in the background when the cache has reached the threshold and there is neither an index nor a build.</summary>
    public void StartBuildIfNeeded(VectorCache cache)
    {
        if (_index is not null || PendingBuild is { IsCompleted: false })
        {
            return;
        }

        long[] rowIds;
        float[] vectors;
        long generation;
        _lock.EnterWriteLock();
        try
        {
            if (cache.Arena.Count < _settings.HnswThreshold)
            {
                return;
            }

            (rowIds, vectors) = cache.SnapshotAndRecordChanges();
            generation = _generation();
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        PendingBuild = Task.Run(() => Build(cache, rowIds, vectors, generation));
    }

    /// <summary>Saves the index if it changed since it was saved, and releases it; called by the last writer, under the write gate.</summary>
    public void Close(long generation)
    {
        if (_index is not null && _dirty)
        {
            try
            {
                Save(_index, generation);
            }
            catch (IOException)
            {
                // Another process sharing the database saved its own index at the same moment; the index is a cache,
                // and one whose stamp does not match the database is rebuilt at the next open.
            }
        }

        _index?.Dispose();
        _index = null;
    }

    private void Build(VectorCache cache, long[] rowIds, float[] vectors, long generation)
    {
        var dimensions = _dimensions;
        var index = HnswIndex.Create(dimensions, _settings.Hnsw, rowIds.Length + 1024);
        try
        {
            Parallel.For(0, rowIds.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
                index.Add(rowIds[i], vectors.AsSpan(i * dimensions, dimensions)));

            _lock.EnterWriteLock();
            try
            {
                var changes = cache.StopRecordingChanges();
                if (cache.IsRetired)
                {
                    index.Dispose();
                    return;
                }

                foreach (var (rowId, added) in changes)
                {
                    if (!added)
                    {
                        index.Remove(rowId);
                    }
                    else if (cache.Arena.TryGetSlot(rowId, out var slot))
                    {
                        if (index.Count + 1 > index.Capacity)
                        {
                            index.Reserve(index.Capacity * 2);
                        }

                        index.Add(rowId, cache.Arena.VectorAt(slot));
                    }
                }

                var changed = changes.Count > 0;
                Volatile.Write(ref _index, index);
                _dirty = changed;
                if (changed)
                {
                    return;
                }
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            _writeGate.Wait();
            try
            {
                if (!_dirty && _generation() == generation)
                {
                    Save(index, generation);
                }
            }
            finally
            {
                _writeGate.Release();
            }
        }
        catch
        {
            if (!ReferenceEquals(Volatile.Read(ref _index), index))
            {
                index.Dispose();
            }

            throw;
        }
    }

    private HnswIndex? TryLoad(VectorArena arena)
    {
        try
        {
            if (!File.Exists(IndexPath) || !File.Exists(IndexStampPath))
            {
                return null;
            }

            var stamp = JsonSerializer.Deserialize<IndexStamp>(File.ReadAllText(IndexStampPath));
            if (stamp is null || stamp.Generation != _generation() || stamp.Count != arena.Count || stamp.Dimensions != arena.Dimensions)
            {
                return null;
            }

            // USearch trusts the file it loads; the hash keeps a damaged file from reaching native code.
            using (var stream = File.OpenRead(IndexPath))
            {
                if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(stream)), stamp.Sha256, StringComparison.Ordinal))
                {
                    return null;
                }
            }

            var index = HnswIndex.Load(IndexPath, arena.Dimensions, _settings.Hnsw);
            if (index.Count != arena.Count)
            {
                index.Dispose();
                return null;
            }

            return index;
        }
        catch (Exception exception) when (exception is IOException or JsonException or InvalidOperationException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Save(HnswIndex index, long generation)
    {
        // The stamp goes first and last: without it the index file is never trusted, so a crash between the two
        // writes leaves an index that the next open rebuilds, never one that disagrees with the database.
        File.Delete(IndexStampPath);
        var temporary = $"{IndexPath}.{Environment.ProcessId}.tmp";
        index.Save(temporary);
        File.Move(temporary, IndexPath, overwrite: true);
        string hash;
        using (var stream = File.OpenRead(IndexPath))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        var stamp = new IndexStamp(generation, index.Count, index.Dimensions, hash);
        var temporaryStamp = $"{IndexStampPath}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporaryStamp, JsonSerializer.Serialize(stamp));
        File.Move(temporaryStamp, IndexStampPath, overwrite: true);
        _dirty = false;
    }

    private sealed record IndexStamp(long Generation, long Count, int Dimensions, string Sha256);
}
