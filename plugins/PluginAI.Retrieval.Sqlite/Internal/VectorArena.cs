using System.Numerics.Tensors;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>
/// Every chunk vector of a knowledge base, normalised, in one contiguous <see cref="float"/> array, searched exactly
/// with SIMD dot products.
/// </summary>
/// <remarks>
/// Not thread-safe on its own: the knowledge base holds a reader/writer lock, searches under the read side and
/// mutations under the write side. Removal moves the last vector into the hole, so the arena stays dense.
/// </remarks>
internal sealed class VectorArena
{
    // Below this many floats a search is faster on one thread than the cost of fanning out.
    private const long ParallelThresholdFloats = 2_000_000;

    private readonly int _dimensions;
    private readonly Dictionary<long, int> _slotByRowId = [];
    private float[] _vectors;
    private long[] _rowIds;
    private long[] _documentIds;

    public VectorArena(int dimensions, int initialCapacity = 1024)
    {
        _dimensions = dimensions;
        initialCapacity = Math.Max(initialCapacity, 16);
        _vectors = new float[(long)initialCapacity * dimensions];
        _rowIds = new long[initialCapacity];
        _documentIds = new long[initialCapacity];
    }

    /// <summary>Gets the number of vectors.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the vector dimension.</summary>
    public int Dimensions => _dimensions;

    /// <summary>Gets the chunk row id stored in a slot.</summary>
    public long RowIdAt(int slot) => _rowIds[slot];

    /// <summary>Gets the document id stored in a slot.</summary>
    public long DocumentIdAt(int slot) => _documentIds[slot];

    /// <summary>Gets the vector stored in a slot.</summary>
    public ReadOnlySpan<float> VectorAt(int slot) => _vectors.AsSpan(slot * _dimensions, _dimensions);

    /// <summary>Finds the slot of a chunk row id.</summary>
    public bool TryGetSlot(long rowId, out int slot) => _slotByRowId.TryGetValue(rowId, out slot);

    /// <summary>Adds a normalised vector.</summary>
    public void Add(long rowId, long documentId, ReadOnlySpan<float> vector)
    {
        if (vector.Length != _dimensions)
        {
            throw new ArgumentException($"Expected {_dimensions} dimensions, got {vector.Length}.", nameof(vector));
        }

        if (Count == _rowIds.Length)
        {
            var capacity = checked(_rowIds.Length * 2);
            Array.Resize(ref _vectors, checked(capacity * _dimensions));
            Array.Resize(ref _rowIds, capacity);
            Array.Resize(ref _documentIds, capacity);
        }

        var slot = Count++;
        vector.CopyTo(_vectors.AsSpan(slot * _dimensions, _dimensions));
        _rowIds[slot] = rowId;
        _documentIds[slot] = documentId;
        _slotByRowId[rowId] = slot;
    }

    /// <summary>Removes a vector by chunk row id; returns whether it was present.</summary>
    public bool Remove(long rowId)
    {
        if (!_slotByRowId.Remove(rowId, out var slot))
        {
            return false;
        }

        var last = --Count;
        if (slot != last)
        {
            _vectors.AsSpan(last * _dimensions, _dimensions).CopyTo(_vectors.AsSpan(slot * _dimensions, _dimensions));
            _rowIds[slot] = _rowIds[last];
            _documentIds[slot] = _documentIds[last];
            _slotByRowId[_rowIds[slot]] = slot;
        }

        return true;
    }

    /// <summary>Finds the <paramref name="k"/> slots with the highest dot product with <paramref name="query"/>.</summary>
    /// <param name="query">The normalised query.</param>
    /// <param name="k">How many to return.</param>
    /// <param name="allowedDocuments">Document ids a result must belong to, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">A token to cancel the search.</param>
    /// <returns>(similarity, slot) pairs, best first.</returns>
    public (float Score, int Slot)[] Search(ReadOnlySpan<float> query, int k, IReadOnlySet<long>? allowedDocuments, CancellationToken cancellationToken = default)
    {
        if (query.Length != _dimensions)
        {
            throw new ArgumentException($"Expected {_dimensions} dimensions, got {query.Length}.", nameof(query));
        }

        if (k <= 0 || Count == 0)
        {
            return [];
        }

        var count = Count;
        var partitions = (long)count * _dimensions >= ParallelThresholdFloats ? Environment.ProcessorCount : 1;
        if (partitions <= 1)
        {
            var top = new TopK(k);
            ScanRange(query, 0, count, top, allowedDocuments);
            return top.ToSortedArray();
        }

        var queryCopy = query.ToArray();
        var size = (count + partitions - 1) / partitions;
        var tops = new TopK[partitions];
        Parallel.For(0, partitions, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = partitions }, p =>
        {
            var start = p * size;
            var end = Math.Min(count, start + size);
            var local = new TopK(k);
            if (start < end)
            {
                ScanRange(queryCopy, start, end, local, allowedDocuments);
            }

            tops[p] = local;
        });

        var merged = new TopK(k);
        foreach (var part in tops)
        {
            merged.Merge(part);
        }

        return merged.ToSortedArray();
    }

    private void ScanRange(ReadOnlySpan<float> query, int start, int end, TopK top, IReadOnlySet<long>? allowedDocuments)
    {
        var dimensions = _dimensions;
        var vectors = _vectors.AsSpan(start * dimensions, (end - start) * dimensions);
        var threshold = top.Threshold;
        for (int slot = start, offset = 0; slot < end; slot++, offset += dimensions)
        {
            if (allowedDocuments is not null && !allowedDocuments.Contains(_documentIds[slot]))
            {
                continue;
            }

            var score = TensorPrimitives.Dot(query, vectors.Slice(offset, dimensions));
            if (score > threshold)
            {
                top.Add(score, slot);
                threshold = top.Threshold;
            }
        }
    }

    /// <summary>Scales <paramref name="vector"/> to unit length in place; a zero vector stays zero.</summary>
    public static void Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0 && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }
}
