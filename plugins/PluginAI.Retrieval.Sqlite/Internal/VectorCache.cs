namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>The in-memory copy of a knowledge base that searches read: its documents, and its chunk vectors in an arena.</summary>
/// <remarks>
/// Not thread-safe by itself: <see cref="SqliteKnowledgeBase"/> changes it only under the write side of its lock,
/// in the same critical section as the commit, and reads it under the read side, so it always matches the database.
/// While an HNSW index is being built it records every change, to be replayed onto the new index.
/// </remarks>
internal sealed class VectorCache
{
    private readonly Dictionary<long, DocumentEntry> _documents;
    private List<(long RowId, bool Added)>? _changesDuringBuild;

    /// <summary>Initializes a new instance of the <see cref="VectorCache"/> class.</summary>
    /// <param name="documents">The documents by row id.</param>
    /// <param name="arena">The vectors of their chunks.</param>
    public VectorCache(Dictionary<long, DocumentEntry> documents, VectorArena arena)
    {
        _documents = documents;
        Arena = arena;
    }

    /// <summary>Gets the chunk vectors.</summary>
    public VectorArena Arena { get; }

    /// <summary>Gets or sets a value indicating whether the knowledge base dropped this cache because another process changed the database; an index built from it is not used.</summary>
    public bool IsRetired { get; set; }

    /// <summary>Applies a committed change: the document at <paramref name="sourcePath"/> loses <paramref name="removed"/> and, unless <paramref name="documentId"/> is null, is stored again with <paramref name="added"/>.</summary>
    public void Apply(long? documentId, string sourcePath, string? mediaType, List<long> removed, List<(long RowId, float[] Vector)> added)
    {
        foreach (var (id, entry) in _documents)
        {
            if (string.Equals(entry.SourcePath, sourcePath, StringComparison.Ordinal))
            {
                _documents.Remove(id);
                break;
            }
        }

        foreach (var rowId in removed)
        {
            Arena.Remove(rowId);
            _changesDuringBuild?.Add((rowId, false));
        }

        if (documentId is { } newId)
        {
            _documents[newId] = new DocumentEntry(sourcePath, mediaType!, added.Count);
            foreach (var (rowId, vector) in added)
            {
                Arena.Add(rowId, newId, vector);
                _changesDuringBuild?.Add((rowId, true));
            }
        }
    }

    /// <summary>Copies every vector for an index build and starts recording the changes made until <see cref="StopRecordingChanges"/>.</summary>
    public (long[] RowIds, float[] Vectors) SnapshotAndRecordChanges()
    {
        var count = Arena.Count;
        var dimensions = Arena.Dimensions;
        var rowIds = new long[count];
        var vectors = new float[(long)count * dimensions];
        for (var slot = 0; slot < count; slot++)
        {
            rowIds[slot] = Arena.RowIdAt(slot);
            Arena.VectorAt(slot).CopyTo(vectors.AsSpan(slot * dimensions, dimensions));
        }

        _changesDuringBuild = [];
        return (rowIds, vectors);
    }

    /// <summary>Stops recording changes.</summary>
    /// <returns>The changes recorded since <see cref="SnapshotAndRecordChanges"/>, in order.</returns>
    public List<(long RowId, bool Added)> StopRecordingChanges()
    {
        var changes = _changesDuringBuild ?? [];
        _changesDuringBuild = null;
        return changes;
    }

    /// <summary>Finds the documents a search may return.</summary>
    /// <param name="glob">The glob source paths must match, or <see langword="null"/>.</param>
    /// <param name="mediaTypes">The media types to keep; empty or <see langword="null"/> for all.</param>
    /// <param name="allowedChunks">Receives the number of chunks in the allowed documents.</param>
    /// <returns>The allowed document ids, or <see langword="null"/> when nothing is filtered.</returns>
    public HashSet<long>? AllowedDocuments(PathGlob? glob, IReadOnlyList<string>? mediaTypes, out long allowedChunks)
    {
        allowedChunks = 0;
        var hasMediaTypes = mediaTypes is { Count: > 0 };
        if (glob is null && !hasMediaTypes)
        {
            return null;
        }

        var media = hasMediaTypes ? new HashSet<string>(mediaTypes!, StringComparer.OrdinalIgnoreCase) : null;
        var allowed = new HashSet<long>();
        foreach (var (id, entry) in _documents)
        {
            if ((media is null || media.Contains(entry.MediaType)) && (glob is null || glob.IsMatch(entry.SourcePath)))
            {
                allowed.Add(id);
                allowedChunks += entry.ChunkCount;
            }
        }

        return allowed;
    }

    /// <summary>Finds the chunks nearest a normalised query vector, through the HNSW index when there is one and the filter leaves enough to walk.</summary>
    public List<(long Id, double Score)> Search(ReadOnlySpan<float> query, int top, HashSet<long>? allowed, long allowedChunks, HnswIndex? hnsw, CancellationToken cancellationToken)
    {
        var arena = Arena;
        var available = allowed is null ? arena.Count : allowedChunks;

        // A selective filter leaves few vectors: scanning them exactly is cheaper and surer than walking the graph
        // around everything the filter rejects.
        if (hnsw is not null && (allowed is null || allowedChunks * 10 >= arena.Count))
        {
            var want = (int)Math.Min(top, available);
            var extra = allowed is null ? 16 : 0;
            var keys = new long[want + extra];
            var scores = new float[want + extra];
            Func<long, bool>? filter = allowed is null
                ? null
                : rowId => arena.TryGetSlot(rowId, out var slot) && allowed.Contains(arena.DocumentIdAt(slot));
            var found = hnsw.Search(query, keys, scores, filter);
            var result = new List<(long Id, double Score)>(want);
            for (var i = 0; i < found && result.Count < want; i++)
            {
                // Rows added to the graph by a writer that has not committed yet are not in the arena.
                if (arena.TryGetSlot(keys[i], out _))
                {
                    result.Add((keys[i], scores[i]));
                }
            }

            if (result.Count >= want)
            {
                return result;
            }
        }

        return ExactSearch(query, top, allowed, cancellationToken);
    }

    /// <summary>Scans every allowed vector for the nearest chunks.</summary>
    public List<(long Id, double Score)> ExactSearch(ReadOnlySpan<float> query, int top, HashSet<long>? allowed, CancellationToken cancellationToken)
    {
        var hits = Arena.Search(query, top, allowed, cancellationToken);
        var result = new List<(long Id, double Score)>(hits.Length);
        foreach (var (score, slot) in hits)
        {
            result.Add((Arena.RowIdAt(slot), score));
        }

        return result;
    }
}
