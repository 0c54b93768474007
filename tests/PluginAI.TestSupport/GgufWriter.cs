using System.Text;

namespace PluginAI.TestSupport;

/// <summary>Writes little-endian GGUF files (version 3 by default) for tests: metadata of every GGUF type and F32 tensors.</summary>
/// <remarks>
/// Metadata types follow the CLR type of the value: <see cref="byte"/> is uint8, <see cref="uint"/> is uint32,
/// <see cref="float"/> is float32, <see cref="string"/> is string, a CLR array is a GGUF array of its element type, and
/// an <c>object[]</c> of arrays is an array of arrays. Tensor data is produced while the file is written, so large
/// models never sit in memory. Independent of PluginAI.Gguf on purpose, so that tests of the reader do not share its code.
/// </remarks>
public sealed class GgufWriter
{
    private const int GgmlTypeF32 = 0;
    private const int ChunkElements = 1 << 16;

    private readonly List<(string Key, object Value)> _metadata = [];
    private readonly List<Tensor> _tensors = [];

    /// <summary>Gets or initializes the version written in the header; 3 unless a test needs another.</summary>
    public uint Version { get; init; } = 3;

    /// <summary>Gets or initializes the alignment of tensor data; when not 32, <c>general.alignment</c> must say so.</summary>
    public int Alignment { get; init; } = 32;

    /// <summary>Adds a metadata key/value; the GGUF type follows the CLR type, as the remarks of the class describe.</summary>
    /// <param name="key">The key, such as <c>general.architecture</c>.</param>
    /// <param name="value">The value.</param>
    /// <returns>This writer.</returns>
    public GgufWriter Add(string key, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        _ = TypeOf(value);
        _metadata.Add((key, value));
        return this;
    }

    /// <summary>Adds an F32 tensor whose data is given.</summary>
    /// <param name="name">The tensor name, such as <c>output_norm.weight</c>.</param>
    /// <param name="dimensions">The dimensions in ggml order, innermost first.</param>
    /// <param name="data">The elements; as many as the product of the dimensions.</param>
    /// <returns>This writer.</returns>
    public GgufWriter AddTensor(string name, IReadOnlyList<long> dimensions, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var elements = Product(dimensions);
        if (data.LongLength != elements)
        {
            throw new ArgumentException($"The tensor '{name}' has {elements} elements but {data.LongLength} values were given.", nameof(data));
        }

        var offset = 0;
        return AddTensor(name, dimensions, span =>
        {
            data.AsSpan(offset, span.Length).CopyTo(span);
            offset += span.Length;
        });
    }

    /// <summary>Adds an F32 tensor whose data is produced while the file is written.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="dimensions">The dimensions in ggml order, innermost first.</param>
    /// <param name="fill">Called with consecutive chunks of the tensor, in order, to fill them.</param>
    /// <returns>This writer.</returns>
    public GgufWriter AddTensor(string name, IReadOnlyList<long> dimensions, Action<Span<float>> fill)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(fill);
        var elements = Product(dimensions);
        _tensors.Add(new Tensor(name, [.. dimensions], GgmlTypeF32, elements * sizeof(float), fill));
        return this;
    }

    /// <summary>Adds a tensor of any ggml type whose data is zero bytes, for tests that read headers and sizes.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="dimensions">The dimensions in ggml order, innermost first.</param>
    /// <param name="ggmlType">The ggml type number, such as 12 for Q4_K.</param>
    /// <param name="byteSize">The number of data bytes to write.</param>
    /// <returns>This writer.</returns>
    public GgufWriter AddZeroTensor(string name, IReadOnlyList<long> dimensions, int ggmlType, long byteSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(byteSize);
        _tensors.Add(new Tensor(name, [.. dimensions], ggmlType, byteSize, null));
        return this;
    }

    /// <summary>Writes the file, replacing any file at the path.</summary>
    /// <param name="path">The file to write.</param>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
        Write(stream);
    }

    /// <summary>Writes the file to a stream.</summary>
    /// <param name="stream">The stream; it is not disposed.</param>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(0x46554747u);
        writer.Write(Version);
        writer.Write((ulong)_tensors.Count);
        writer.Write((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            WriteString(writer, key);
            writer.Write((uint)TypeOf(value));
            WriteValue(writer, value);
        }

        long offset = 0;
        var offsets = new long[_tensors.Count];
        for (var i = 0; i < _tensors.Count; i++)
        {
            var tensor = _tensors[i];
            offsets[i] = offset;
            WriteString(writer, tensor.Name);
            writer.Write((uint)tensor.Dimensions.Length);
            foreach (var dimension in tensor.Dimensions)
            {
                writer.Write((ulong)dimension);
            }

            writer.Write((uint)tensor.GgmlType);
            writer.Write((ulong)offset);
            offset = AlignUp(offset + tensor.ByteSize);
        }

        Pad(writer);
        var dataStart = writer.BaseStream.Position;
        var chunk = new float[ChunkElements];
        for (var i = 0; i < _tensors.Count; i++)
        {
            var tensor = _tensors[i];
            Pad(writer, dataStart + offsets[i]);
            if (tensor.Fill is null)
            {
                writer.Write(new byte[tensor.ByteSize]);
                continue;
            }

            for (var remaining = tensor.ByteSize / sizeof(float); remaining > 0;)
            {
                var span = chunk.AsSpan(0, (int)Math.Min(remaining, ChunkElements));
                span.Clear();
                tensor.Fill(span);
                writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(span));
                remaining -= span.Length;
            }
        }

        writer.Flush();
    }

    private void Pad(BinaryWriter writer, long? target = null)
    {
        var position = writer.BaseStream.Position;
        var end = target ?? AlignUp(position);
        for (; position < end; position++)
        {
            writer.Write((byte)0);
        }
    }

    private long AlignUp(long value) => (value + Alignment - 1) / Alignment * Alignment;

    private static long Product(IReadOnlyList<long> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Count is 0 or > 4 || dimensions.Any(d => d <= 0))
        {
            throw new ArgumentException("A tensor has 1 to 4 dimensions, each above 0.", nameof(dimensions));
        }

        return dimensions.Aggregate(1L, (a, b) => a * b);
    }

    private static int TypeOf(object value) => value switch
    {
        byte => 0,
        sbyte => 1,
        ushort => 2,
        short => 3,
        uint => 4,
        int => 5,
        float => 6,
        bool => 7,
        string => 8,
        Array => 9,
        ulong => 10,
        long => 11,
        double => 12,
        _ => throw new ArgumentException($"{value.GetType()} has no GGUF type; use byte, sbyte, ushort, short, uint, int, float, bool, string, ulong, long, double or an array of them.", nameof(value)),
    };

    private static void WriteValue(BinaryWriter writer, object value)
    {
        switch (value)
        {
            case byte v: writer.Write(v); break;
            case sbyte v: writer.Write(v); break;
            case ushort v: writer.Write(v); break;
            case short v: writer.Write(v); break;
            case uint v: writer.Write(v); break;
            case int v: writer.Write(v); break;
            case float v: writer.Write(v); break;
            case bool v: writer.Write((byte)(v ? 1 : 0)); break;
            case string v: WriteString(writer, v); break;
            case ulong v: writer.Write(v); break;
            case long v: writer.Write(v); break;
            case double v: writer.Write(v); break;
            case Array array: WriteArray(writer, array); break;
        }
    }

    private static void WriteArray(BinaryWriter writer, Array array)
    {
        // An object[] is an array of arrays; every other array's element type gives the GGUF element type.
        var elementType = array switch
        {
            string[] => 8,
            object[] => 9,
            _ => TypeOf(Activator.CreateInstance(array.GetType().GetElementType()!)!),
        };

        writer.Write((uint)elementType);
        writer.Write((ulong)array.Length);
        foreach (var item in array)
        {
            if (elementType == 9)
            {
                WriteArray(writer, (Array)item);
                continue;
            }

            WriteValue(writer, item!);
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private sealed record Tensor(string Name, long[] Dimensions, int GgmlType, long ByteSize, Action<Span<float>>? Fill);
}
