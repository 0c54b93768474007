using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>An HNSW graph over normalised vectors (inner product), keyed by chunk row id; a cache of the database.</summary>
/// <remarks>
/// Adds, removals and searches may run concurrently with each other: USearch locks per node. The owner serialises
/// <see cref="Reserve"/>, <see cref="Dispose"/> and <see cref="Save"/> against everything else, since reserving
/// reallocates the node tables that searches walk.
/// </remarks>
internal sealed unsafe class HnswIndex : IDisposable
{
    // USearch keeps one search context per hardware thread, reserved with the capacity, and fails an add or a search
    // that finds none free instead of waiting; the permits make extra callers wait.
    private readonly SemaphoreSlim _contexts = new(Environment.ProcessorCount, Environment.ProcessorCount);
    private nint _handle;

    private HnswIndex(nint handle, int dimensions)
    {
        _handle = handle;
        Dimensions = dimensions;
    }

    /// <summary>Gets the vector dimension.</summary>
    public int Dimensions { get; }

    /// <summary>Gets the number of live vectors.</summary>
    public long Count
    {
        get
        {
            var size = UsearchNative.Size(_handle, out var error);
            UsearchNative.ThrowIfError(error, "size");
            return (long)size;
        }
    }

    /// <summary>Creates an empty index.</summary>
    public static HnswIndex Create(int dimensions, HnswParameters parameters, long capacity)
    {
        var options = new UsearchNative.InitOptions
        {
            MetricKind = (uint)MetricKind.Ip,
            Quantization = (uint)ScalarKind.Float32,
            Dimensions = (nuint)dimensions,
            Connectivity = (nuint)parameters.Connectivity,
            ExpansionAdd = (nuint)parameters.ExpansionAdd,
            ExpansionSearch = (nuint)parameters.ExpansionSearch,
        };
        var handle = UsearchNative.Init(&options, out var error);
        UsearchNative.ThrowIfError(error, "init");
        var index = new HnswIndex(handle, dimensions);
        index.Reserve(capacity);
        return index;
    }

    /// <summary>Loads an index saved by <see cref="Save"/>; throws when the file is not a valid index.</summary>
    public static HnswIndex Load(string path, int dimensions, HnswParameters parameters)
    {
        var options = new UsearchNative.InitOptions
        {
            MetricKind = (uint)MetricKind.Ip,
            Quantization = (uint)ScalarKind.Float32,
            Dimensions = (nuint)dimensions,
            Connectivity = (nuint)parameters.Connectivity,
        };
        var handle = UsearchNative.Init(&options, out var error);
        UsearchNative.ThrowIfError(error, "init");
        var index = new HnswIndex(handle, dimensions);
        try
        {
            UsearchNative.Load(handle, path, out error);
            UsearchNative.ThrowIfError(error, "load");
            var stored = UsearchNative.Dimensions(handle, out error);
            UsearchNative.ThrowIfError(error, "dimensions");
            if ((int)stored != dimensions)
            {
                throw new InvalidOperationException($"The index has {stored} dimensions, expected {dimensions}.");
            }

            UsearchNative.ChangeExpansionSearch(handle, (nuint)parameters.ExpansionSearch, out error);
            UsearchNative.ThrowIfError(error, "expansion");
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>Gets the number of vectors the index has room for.</summary>
    public long Capacity
    {
        get
        {
            var capacity = UsearchNative.Capacity(_handle, out var error);
            UsearchNative.ThrowIfError(error, "capacity");
            return (long)capacity;
        }
    }

    /// <summary>Makes room for <paramref name="capacity"/> vectors, so that adds do not reallocate one at a time.</summary>
    public void Reserve(long capacity)
    {
        UsearchNative.Reserve(_handle, (nuint)Math.Max(capacity, 16), out var error);
        UsearchNative.ThrowIfError(error, "reserve");
    }

    /// <summary>Adds one vector; the caller has reserved capacity for it.</summary>
    public void Add(long key, ReadOnlySpan<float> vector)
    {
        _contexts.Wait();
        try
        {
            fixed (float* pointer = vector)
            {
                UsearchNative.Add(_handle, (ulong)key, pointer, ScalarKind.Float32, out var error);
                UsearchNative.ThrowIfError(error, "add");
            }
        }
        finally
        {
            _contexts.Release();
        }
    }

    /// <summary>Removes a vector; a missing key is ignored.</summary>
    public void Remove(long key)
    {
        UsearchNative.Remove(_handle, (ulong)key, out var error);
        UsearchNative.ThrowIfError(error, "remove");
    }

    /// <summary>Finds up to <paramref name="keys"/>.Length nearest vectors; returns how many were found.</summary>
    /// <param name="query">The normalised query.</param>
    /// <param name="keys">Receives the keys, nearest first.</param>
    /// <param name="similarities">Receives the inner products.</param>
    /// <param name="filter">A predicate on keys, or <see langword="null"/>.</param>
    public int Search(ReadOnlySpan<float> query, Span<long> keys, Span<float> similarities, Func<long, bool>? filter)
    {
        nuint found;
        nint error;
        _contexts.Wait();
        try
        {
            found = SearchCore(query, keys, similarities, filter, out error);
        }
        finally
        {
            _contexts.Release();
        }

        UsearchNative.ThrowIfError(error, "search");
        var count = (int)found;

        // USearch reports the inner-product metric as a distance, 1 - dot.
        for (var i = 0; i < count; i++)
        {
            similarities[i] = 1f - similarities[i];
        }

        return count;
    }

    private nuint SearchCore(ReadOnlySpan<float> query, Span<long> keys, Span<float> similarities, Func<long, bool>? filter, out nint error)
    {
        nuint found;
        fixed (float* queryPointer = query)
        fixed (long* keysPointer = keys)
        fixed (float* distancesPointer = similarities)
        {
            if (filter is null)
            {
                found = UsearchNative.Search(_handle, queryPointer, ScalarKind.Float32, (nuint)keys.Length, (ulong*)keysPointer, distancesPointer, out error);
            }
            else
            {
                var state = GCHandle.Alloc(filter);
                try
                {
                    found = UsearchNative.FilteredSearch(
                        _handle, queryPointer, ScalarKind.Float32, (nuint)keys.Length, &FilterThunk, GCHandle.ToIntPtr(state),
                        (ulong*)keysPointer, distancesPointer, out error);
                }
                finally
                {
                    state.Free();
                }
            }
        }

        return found;
    }

    /// <summary>Writes the index to <paramref name="path"/>.</summary>
    public void Save(string path)
    {
        UsearchNative.Save(_handle, path, out var error);
        UsearchNative.ThrowIfError(error, "save");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_handle != 0)
        {
            UsearchNative.Free(_handle, out _);
            _handle = 0;
        }

        _contexts.Dispose();
    }

    [UnmanagedCallersOnly]
    private static int FilterThunk(ulong key, nint state)
    {
        // An exception must not unwind through native frames; a failing predicate rejects the key.
        try
        {
            var filter = (Func<long, bool>)GCHandle.FromIntPtr(state).Target!;
            return filter((long)key) ? 1 : 0;
        }
        catch (Exception)
        {
            return 0;
        }
    }
}

/// <summary>HNSW construction and search parameters.</summary>
/// <param name="Connectivity">Edges per node (hnswlib's M).</param>
/// <param name="ExpansionAdd">Candidate list size while building (hnswlib's ef_construction).</param>
/// <param name="ExpansionSearch">Candidate list size while searching (hnswlib's ef).</param>
internal sealed record HnswParameters(int Connectivity, int ExpansionAdd, int ExpansionSearch);
