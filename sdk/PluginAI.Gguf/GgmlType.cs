namespace PluginAI.Gguf;

/// <summary>The element type of a tensor, as numbered by ggml.</summary>
/// <remarks>Numbers that ggml retired (4, 5 and 31 to 33, 36 to 38) are absent on purpose: no current file uses them.</remarks>
#pragma warning disable CA1707 // The names mirror ggml's (Q4_K, IQ2_XXS) so that they match what users see in file names and tools.
public enum GgmlType
{
    /// <summary>32-bit float.</summary>
    F32 = 0,

    /// <summary>16-bit IEEE half float.</summary>
    F16 = 1,

    /// <summary>4-bit quantization with one scale per block of 32.</summary>
    Q4_0 = 2,

    /// <summary>4-bit quantization with a scale and a minimum per block of 32.</summary>
    Q4_1 = 3,

    /// <summary>5-bit quantization with one scale per block of 32.</summary>
    Q5_0 = 6,

    /// <summary>5-bit quantization with a scale and a minimum per block of 32.</summary>
    Q5_1 = 7,

    /// <summary>8-bit quantization with one scale per block of 32.</summary>
    Q8_0 = 8,

    /// <summary>8-bit quantization with a scale and a sum per block of 32.</summary>
    Q8_1 = 9,

    /// <summary>2-bit k-quantization, super-blocks of 256.</summary>
    Q2_K = 10,

    /// <summary>3-bit k-quantization, super-blocks of 256.</summary>
    Q3_K = 11,

    /// <summary>4-bit k-quantization, super-blocks of 256.</summary>
    Q4_K = 12,

    /// <summary>5-bit k-quantization, super-blocks of 256.</summary>
    Q5_K = 13,

    /// <summary>6-bit k-quantization, super-blocks of 256.</summary>
    Q6_K = 14,

    /// <summary>8-bit k-quantization, super-blocks of 256.</summary>
    Q8_K = 15,

    /// <summary>2.06-bit importance quantization.</summary>
    IQ2_XXS = 16,

    /// <summary>2.31-bit importance quantization.</summary>
    IQ2_XS = 17,

    /// <summary>3.06-bit importance quantization.</summary>
    IQ3_XXS = 18,

    /// <summary>1.56-bit importance quantization.</summary>
    IQ1_S = 19,

    /// <summary>4.5-bit non-linear quantization, blocks of 32.</summary>
    IQ4_NL = 20,

    /// <summary>3.44-bit importance quantization.</summary>
    IQ3_S = 21,

    /// <summary>2.5-bit importance quantization.</summary>
    IQ2_S = 22,

    /// <summary>4.25-bit non-linear quantization, super-blocks of 256.</summary>
    IQ4_XS = 23,

    /// <summary>8-bit signed integer.</summary>
    I8 = 24,

    /// <summary>16-bit signed integer.</summary>
    I16 = 25,

    /// <summary>32-bit signed integer.</summary>
    I32 = 26,

    /// <summary>64-bit signed integer.</summary>
    I64 = 27,

    /// <summary>64-bit float.</summary>
    F64 = 28,

    /// <summary>1.75-bit importance quantization.</summary>
    IQ1_M = 29,

    /// <summary>bfloat16.</summary>
    BF16 = 30,

    /// <summary>Ternary quantization, 1.69 bits per weight.</summary>
    TQ1_0 = 34,

    /// <summary>Ternary quantization, 2.06 bits per weight.</summary>
    TQ2_0 = 35,

    /// <summary>Microscaling 4-bit float, blocks of 32.</summary>
    MXFP4 = 39,
}
#pragma warning restore CA1707
