namespace PluginAI.Gguf;

/// <summary>The type of a GGUF metadata value, as numbered in the GGUF specification.</summary>
public enum GgufValueType
{
    /// <summary>An unsigned 8-bit integer, read as <see cref="byte"/>.</summary>
    UInt8 = 0,

    /// <summary>A signed 8-bit integer, read as <see cref="sbyte"/>.</summary>
    Int8 = 1,

    /// <summary>An unsigned 16-bit integer, read as <see cref="ushort"/>.</summary>
    UInt16 = 2,

    /// <summary>A signed 16-bit integer, read as <see cref="short"/>.</summary>
    Int16 = 3,

    /// <summary>An unsigned 32-bit integer, read as <see cref="uint"/>.</summary>
    UInt32 = 4,

    /// <summary>A signed 32-bit integer, read as <see cref="int"/>.</summary>
    Int32 = 5,

    /// <summary>A 32-bit float, read as <see cref="float"/>.</summary>
    Float32 = 6,

    /// <summary>A boolean stored in one byte, read as <see cref="bool"/>.</summary>
    Bool = 7,

    /// <summary>A UTF-8 string with a 64-bit length, read as <see cref="string"/>.</summary>
    String = 8,

    /// <summary>An array of values of one type, read as a CLR array of that type.</summary>
    Array = 9,

    /// <summary>An unsigned 64-bit integer, read as <see cref="ulong"/>.</summary>
    UInt64 = 10,

    /// <summary>A signed 64-bit integer, read as <see cref="long"/>.</summary>
    Int64 = 11,

    /// <summary>A 64-bit float, read as <see cref="double"/>.</summary>
    Float64 = 12,
}
