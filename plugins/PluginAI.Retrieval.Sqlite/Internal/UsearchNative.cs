using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>
/// Direct bindings to the C API of <c>libusearch_c</c>, the native library that ships in the Cloud.Unum.USearch package.
/// </summary>
/// <remarks>
/// The package's managed <see cref="USearchIndex"/> reserves capacity one vector at a time (quadratic copying while
/// building 100,000 vectors), allocates two arrays per search, and exposes neither the search expansion nor filtered
/// search; the C API behind it offers all three, so the index calls it directly and reuses the package's enumerations.
/// </remarks>
internal static unsafe partial class UsearchNative
{
    private const string Library = "libusearch_c";

    [LibraryImport(Library, EntryPoint = "usearch_init")]
    internal static partial nint Init(InitOptions* options, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_free")]
    internal static partial void Free(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_save", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void Save(nint index, string path, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_load", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void Load(nint index, string path, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_size")]
    internal static partial nuint Size(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_capacity")]
    internal static partial nuint Capacity(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_dimensions")]
    internal static partial nuint Dimensions(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_reserve")]
    internal static partial void Reserve(nint index, nuint capacity, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_expansion_search")]
    internal static partial void ChangeExpansionSearch(nint index, nuint expansion, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_add")]
    internal static partial void Add(nint index, ulong key, float* vector, ScalarKind kind, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_remove")]
    internal static partial nuint Remove(nint index, ulong key, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_search")]
    internal static partial nuint Search(nint index, float* query, ScalarKind kind, nuint count, ulong* keys, float* distances, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_filtered_search")]
    internal static partial nuint FilteredSearch(
        nint index,
        float* query,
        ScalarKind kind,
        nuint count,
        delegate* unmanaged<ulong, nint, int> filter,
        nint filterState,
        ulong* keys,
        float* distances,
        out nint error);

    /// <summary>Throws when the native call reported an error.</summary>
    internal static void ThrowIfError(nint error, string operation)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"USearch {operation} failed: {Marshal.PtrToStringUTF8(error)}");
        }
    }

    /// <summary>The C layout of <c>usearch_init_options_t</c>; the package's <see cref="IndexOptions"/> holds a managed <see cref="bool"/>, which is not blittable.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct InitOptions
    {
        public uint MetricKind;
        public nint Metric;
        public uint Quantization;
        public nuint Dimensions;
        public nuint Connectivity;
        public nuint ExpansionAdd;
        public nuint ExpansionSearch;
        public byte Multi;
    }
}
