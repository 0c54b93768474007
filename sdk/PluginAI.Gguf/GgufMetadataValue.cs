using System.Globalization;

namespace PluginAI.Gguf;

/// <summary>A metadata value of a GGUF file: a scalar, a string or an array.</summary>
/// <remarks>
/// <see cref="Value"/> holds the CLR type that matches <see cref="Type"/> (<see cref="uint"/> for
/// <see cref="GgufValueType.UInt32"/>, and so on). An array holds a CLR array of its element type, such as
/// <c>string[]</c> or <c>float[]</c>, and an array of arrays holds <c>GgufMetadataValue[]</c>. Instances are immutable.
/// </remarks>
public sealed class GgufMetadataValue
{
    internal GgufMetadataValue(GgufValueType type, object value, GgufValueType? elementType = null)
    {
        Type = type;
        Value = value;
        ElementType = elementType;
    }

    /// <summary>Gets the type of the value.</summary>
    public GgufValueType Type { get; }

    /// <summary>Gets the element type when <see cref="Type"/> is <see cref="GgufValueType.Array"/>, or <see langword="null"/>.</summary>
    public GgufValueType? ElementType { get; }

    /// <summary>Gets the value, as described in the remarks of the type.</summary>
    public object Value { get; }

    /// <summary>Gets the number of elements of an array, or 1 for a scalar.</summary>
    public int Count => Value is Array array ? array.Length : 1;

    /// <summary>Gets the value as an integer, when it is a scalar integer that fits a <see cref="long"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> when the value is an integer that fits.</returns>
    public bool TryGetInt64(out long value)
    {
        switch (Value)
        {
            case byte v: value = v; return true;
            case sbyte v: value = v; return true;
            case ushort v: value = v; return true;
            case short v: value = v; return true;
            case uint v: value = v; return true;
            case int v: value = v; return true;
            case long v: value = v; return true;
            case ulong v when v <= long.MaxValue: value = (long)v; return true;
            default: value = 0; return false;
        }
    }

    /// <summary>Gets the value as a string, or <see langword="null"/> when it is not a string.</summary>
    /// <returns>The string, or <see langword="null"/>.</returns>
    public string? AsString() => Value as string;

    /// <summary>Gets the value as an array of <typeparamref name="T"/>, or <see langword="null"/> when it is not one.</summary>
    /// <typeparam name="T">The element type, such as <see cref="string"/> or <see cref="float"/>.</typeparam>
    /// <returns>The array, or <see langword="null"/>.</returns>
    public IReadOnlyList<T>? AsArray<T>() => Value as T[];

    /// <summary>Returns a short description: the value of a scalar, or the element type and count of an array.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Value switch
    {
        Array array => $"[{ElementType}; {array.Length}]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? string.Empty,
    };
}
