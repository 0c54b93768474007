using System.Runtime.InteropServices;
using System.Text;

namespace PluginAI.Gguf.Internal;

/// <summary>Reads a GGUF header, checking every count and length against what is left of the file before allocating.</summary>
internal sealed class GgufParser
{
    // ggml refuses more dimensions than this, and names longer than GGML_MAX_NAME; nested arrays deeper than this are not seen in practice.
    private const int MaxDimensions = 4;
    private const int MaxTensorNameBytes = 64;
    private const int MaxArrayDepth = 4;

    // Smallest encodings, used to bound counts: a key/value is a length, a one-byte key, a type and a one-byte value;
    // a tensor info is a length, a one-byte name, a dimension count, one dimension, a type and an offset.
    private const int MinKeyValueBytes = 8 + 1 + 4 + 1;
    private const int MinTensorInfoBytes = 8 + 1 + 4 + 8 + 4 + 8;

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly BinaryReader _reader;
    private readonly string _source;
    private readonly long _length;
    private long _position;

    public GgufParser(Stream stream, string source)
    {
        _reader = new BinaryReader(stream, s_utf8, leaveOpen: true);
        _source = source;
        _length = stream.Length;
        _position = stream.Position;
    }

    private long Remaining => _length - _position;

    public GgufFile Parse()
    {
        if (_length < 4)
        {
            throw Error(GgufErrorCodes.NotGguf, $"the file is {_length} bytes long, too short to be GGUF (expected the magic bytes \"GGUF\")", 0);
        }

        var magic = ReadUInt32("the magic bytes");
        if (magic != GgufFile.Magic)
        {
            throw Error(GgufErrorCodes.NotGguf, $"the file does not start with the magic bytes \"GGUF\" (found {DescribeMagic(magic)}); it is not a GGUF model", 0);
        }

        var versionOffset = _position;
        var version = ReadUInt32("the version");
        switch (version)
        {
            case 2 or 3:
                break;
            case 1:
                throw Error(GgufErrorCodes.UnsupportedVersion, "GGUF version 1 is not supported (only versions 2 and 3 are); convert the model again with a current llama.cpp", versionOffset);
            case 0x02000000 or 0x03000000:
                throw Error(GgufErrorCodes.UnsupportedVersion, "the file is big-endian GGUF, which this reader does not support; use the little-endian file", versionOffset);
            default:
                throw Error(GgufErrorCodes.UnsupportedVersion, $"GGUF version {version} is not supported (only versions 2 and 3 are)", versionOffset);
        }

        var tensorCount = ReadCount("the tensor count", MinTensorInfoBytes);
        var keyValueCount = ReadCount("the metadata key/value count", MinKeyValueBytes);

        var metadata = new OrderedDictionary<string, GgufMetadataValue>(StringComparer.Ordinal);
        for (long i = 0; i < keyValueCount; i++)
        {
            var keyOffset = _position;
            var key = ReadString($"the key of metadata entry {i}");
            var value = ReadValue($"the value of '{key}'", depth: 0);
            if (!metadata.TryAdd(key, value))
            {
                throw Error(GgufErrorCodes.Invalid, $"the metadata key '{key}' appears twice", keyOffset);
            }
        }

        var alignment = GgufFile.DefaultAlignment;
        if (metadata.TryGetValue("general.alignment", out var alignmentValue))
        {
            if (alignmentValue.Value is not uint a || a == 0 || (a & (a - 1)) != 0 || a > 1 << 20)
            {
                throw Error(GgufErrorCodes.Invalid, $"general.alignment is {alignmentValue} ({alignmentValue.Type}); expected a power of two as uint32");
            }

            alignment = (int)a;
        }

        var tensors = new List<GgufTensorInfo>((int)Math.Min(tensorCount, 4096));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (long i = 0; i < tensorCount; i++)
        {
            var tensor = ReadTensorInfo(i);
            if (!names.Add(tensor.Name))
            {
                throw Error(GgufErrorCodes.Invalid, $"the tensor '{tensor.Name}' appears twice");
            }

            tensors.Add(tensor);
        }

        var dataOffset = AlignUp(_position, alignment);
        CheckTensorExtents(tensors, dataOffset, alignment);
        return new GgufFile(_source, _length, (int)version, alignment, dataOffset, metadata, tensors);
    }

    private void CheckTensorExtents(List<GgufTensorInfo> tensors, long dataOffset, int alignment)
    {
        var available = Math.Max(0, _length - dataOffset);
        foreach (var tensor in tensors)
        {
            if (tensor.Offset % alignment != 0)
            {
                throw Error(GgufErrorCodes.Invalid, $"the data of tensor '{tensor.Name}' starts at offset {tensor.Offset}, which is not a multiple of the alignment {alignment}");
            }

            if (tensor.Offset > available || tensor.ByteSize > available - tensor.Offset)
            {
                throw Error(
                    GgufErrorCodes.Truncated,
                    $"the file is truncated: tensor '{tensor.Name}' needs bytes {dataOffset + tensor.Offset} to {dataOffset + tensor.Offset + tensor.ByteSize}, but the file ends at byte {_length}",
                    _length);
            }
        }
    }

    private GgufTensorInfo ReadTensorInfo(long index)
    {
        var offset = _position;
        var name = ReadString($"the name of tensor {index}");
        if (Encoding.UTF8.GetByteCount(name) >= MaxTensorNameBytes)
        {
            throw Error(GgufErrorCodes.Invalid, $"the name of tensor {index} is {Encoding.UTF8.GetByteCount(name)} bytes long; ggml allows at most {MaxTensorNameBytes - 1}", offset);
        }

        var dimensionCount = ReadUInt32($"the dimension count of tensor '{name}'");
        if (dimensionCount is 0 or > MaxDimensions)
        {
            throw Error(GgufErrorCodes.Invalid, $"tensor '{name}' has {dimensionCount} dimensions; expected 1 to {MaxDimensions}", _position - 4);
        }

        var dimensions = new long[dimensionCount];
        long elements = 1;
        for (var d = 0; d < dimensionCount; d++)
        {
            var dimension = ReadUInt64($"dimension {d} of tensor '{name}'");
            if (dimension == 0 || dimension > long.MaxValue || elements > long.MaxValue / (long)dimension)
            {
                throw Error(GgufErrorCodes.Invalid, $"tensor '{name}' has dimension {d} = {dimension}, which is zero or makes the tensor impossibly large", _position - 8);
            }

            dimensions[d] = (long)dimension;
            elements *= (long)dimension;
        }

        var rawType = ReadUInt32($"the type of tensor '{name}'");
        var type = (GgmlType)rawType;
        if (rawType > int.MaxValue || !GgmlTypeTraits.TryGetBlock(type, out var blockElements, out var blockBytes))
        {
            throw Error(GgufErrorCodes.Invalid, $"tensor '{name}' has ggml type {rawType}, which this reader does not know (a newer quantization, or a damaged file)", _position - 4);
        }

        if (dimensions[0] % blockElements != 0)
        {
            throw Error(GgufErrorCodes.Invalid, $"tensor '{name}' of type {type} has a first dimension of {dimensions[0]}, which is not a multiple of the block size {blockElements}");
        }

        var dataOffset = ReadUInt64($"the data offset of tensor '{name}'");
        var blocks = elements / blockElements;
        if (dataOffset > long.MaxValue || blocks > long.MaxValue / blockBytes)
        {
            throw Error(GgufErrorCodes.Invalid, $"tensor '{name}' has a data offset of {dataOffset} or a size that cannot fit in a file", _position - 8);
        }

        return new GgufTensorInfo(name, dimensions, type, (long)dataOffset, blocks * blockBytes);
    }

    private GgufMetadataValue ReadValue(string what, int depth)
    {
        var type = ReadType(what);
        return type == GgufValueType.Array ? ReadArray(what, depth) : new GgufMetadataValue(type, ReadScalar(type, what));
    }

    private GgufValueType ReadType(string what)
    {
        var raw = ReadUInt32($"the type of {what}");
        if (raw > (uint)GgufValueType.Float64)
        {
            throw Error(GgufErrorCodes.Invalid, $"{what} has value type {raw}, which GGUF does not define (0 to 12)", _position - 4);
        }

        return (GgufValueType)raw;
    }

    private object ReadScalar(GgufValueType type, string what) => type switch
    {
        GgufValueType.UInt8 => Read(1, what, r => r.ReadByte()),
        GgufValueType.Int8 => Read(1, what, r => r.ReadSByte()),
        GgufValueType.UInt16 => Read(2, what, r => r.ReadUInt16()),
        GgufValueType.Int16 => Read(2, what, r => r.ReadInt16()),
        GgufValueType.UInt32 => Read(4, what, r => r.ReadUInt32()),
        GgufValueType.Int32 => Read(4, what, r => r.ReadInt32()),
        GgufValueType.Float32 => Read(4, what, r => r.ReadSingle()),
        GgufValueType.Bool => ReadBool(what),
        GgufValueType.String => ReadString(what),
        GgufValueType.UInt64 => Read(8, what, r => r.ReadUInt64()),
        GgufValueType.Int64 => Read(8, what, r => r.ReadInt64()),
        GgufValueType.Float64 => Read(8, what, r => r.ReadDouble()),
        _ => throw new InvalidOperationException($"Unexpected value type {type}."),
    };

    private GgufMetadataValue ReadArray(string what, int depth)
    {
        if (depth >= MaxArrayDepth)
        {
            throw Error(GgufErrorCodes.Invalid, $"{what} nests arrays more than {MaxArrayDepth} deep");
        }

        var elementType = ReadType($"the elements of {what}");
        var countOffset = _position;
        var count = ReadUInt64($"the length of {what}");
        var minElementBytes = elementType switch
        {
            GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
            GgufValueType.UInt16 or GgufValueType.Int16 => 2,
            GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
            GgufValueType.Array => 12,
            _ => 8,
        };
        CheckCount(count, minElementBytes, $"the length of {what}", countOffset);
        if (count > (ulong)Array.MaxLength)
        {
            throw Error(GgufErrorCodes.Invalid, $"{what} has {count} elements, more than one array can hold", countOffset);
        }

        var n = (int)count;
        object values = elementType switch
        {
            GgufValueType.UInt8 => ReadBlittable<byte>(n, what),
            GgufValueType.Int8 => ReadBlittable<sbyte>(n, what),
            GgufValueType.UInt16 => ReadBlittable<ushort>(n, what),
            GgufValueType.Int16 => ReadBlittable<short>(n, what),
            GgufValueType.UInt32 => ReadBlittable<uint>(n, what),
            GgufValueType.Int32 => ReadBlittable<int>(n, what),
            GgufValueType.Float32 => ReadBlittable<float>(n, what),
            GgufValueType.UInt64 => ReadBlittable<ulong>(n, what),
            GgufValueType.Int64 => ReadBlittable<long>(n, what),
            GgufValueType.Float64 => ReadBlittable<double>(n, what),
            GgufValueType.Bool => ReadBools(n, what),
            GgufValueType.String => ReadStrings(n, what),
            _ => ReadNestedArrays(n, what, depth),
        };
        return new GgufMetadataValue(GgufValueType.Array, values, elementType);
    }

    private T[] ReadBlittable<T>(int count, string what)
        where T : unmanaged
    {
        var values = new T[count];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        Ensure(bytes.Length, what);
        _reader.BaseStream.ReadExactly(bytes);
        _position += bytes.Length;
        return values;
    }

    private bool[] ReadBools(int count, string what)
    {
        var bytes = ReadBlittable<byte>(count, what);
        return Array.ConvertAll(bytes, b => b != 0);
    }

    private string[] ReadStrings(int count, string what)
    {
        var values = new string[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = ReadString($"element {i} of {what}");
        }

        return values;
    }

    private GgufMetadataValue[] ReadNestedArrays(int count, string what, int depth)
    {
        var values = new GgufMetadataValue[count];
        for (var i = 0; i < count; i++)
        {
            // As in the GGUF specification, an element of an array of arrays is an element type, a length and values, without a tag of its own.
            values[i] = ReadArray($"element {i} of {what}", depth + 1);
        }

        return values;
    }

    private string ReadString(string what)
    {
        var lengthOffset = _position;
        var length = ReadUInt64($"the length of {what}");
        CheckCount(length, 1, $"the length of {what}", lengthOffset);
        var bytes = ReadBlittable<byte>((int)length, what);
        return s_utf8.GetString(bytes);
    }

    private bool ReadBool(string what)
    {
        var value = Read(1, what, r => r.ReadByte());
        return value != 0;
    }

    private long ReadCount(string what, int minBytesEach)
    {
        var offset = _position;
        var count = ReadUInt64(what);
        CheckCount(count, minBytesEach, what, offset);
        return (long)count;
    }

    /// <summary>Rejects a count whose smallest encoding would not fit in the rest of the file, before anything is allocated for it.</summary>
    private void CheckCount(ulong count, int minBytesEach, string what, long offset)
    {
        if (count > int.MaxValue || (long)count * minBytesEach > Remaining)
        {
            // A count larger than the whole file is corruption; one that merely overruns the end is a cut-off file.
            var absurd = count > (ulong)_length || count > int.MaxValue;
            throw Error(
                absurd ? GgufErrorCodes.Invalid : GgufErrorCodes.Truncated,
                absurd
                    ? $"{what} is {count}, which cannot be right for a file of {_length} bytes"
                    : $"the file is truncated: {what} is {count}, but only {Remaining} bytes remain after byte {_position}",
                offset);
        }
    }

    private uint ReadUInt32(string what) => Read(4, what, r => r.ReadUInt32());

    private ulong ReadUInt64(string what) => Read(8, what, r => r.ReadUInt64());

    private T Read<T>(int size, string what, Func<BinaryReader, T> read)
    {
        Ensure(size, what);
        var value = read(_reader);
        _position += size;
        return value;
    }

    private void Ensure(long size, string what)
    {
        if (size > Remaining)
        {
            throw Error(GgufErrorCodes.Truncated, $"the file is truncated: {what} needs {size} bytes at byte {_position}, but the file ends at byte {_length}", _position);
        }
    }

    private GgufFormatException Error(string code, string problem, long? offset = null) =>
        GgufFormatException.Create(_source, code, problem, offset ?? _position);

    private static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;

    private static string DescribeMagic(uint magic)
    {
        Span<byte> bytes = stackalloc byte[4];
        BitConverter.TryWriteBytes(bytes, magic);
        var printable = true;
        foreach (var b in bytes)
        {
            printable &= b is >= 0x20 and < 0x7f;
        }

        return printable ? $"\"{Encoding.ASCII.GetString(bytes)}\"" : $"0x{Convert.ToHexString(bytes)}";
    }
}
