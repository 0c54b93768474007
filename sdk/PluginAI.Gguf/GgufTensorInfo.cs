namespace PluginAI.Gguf;

/// <summary>A tensor listed in the header of a GGUF file.</summary>
/// <param name="Name">The tensor name, such as <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Dimensions">The dimensions in ggml order, innermost first.</param>
/// <param name="Type">The element type.</param>
/// <param name="Offset">The offset of the tensor data from <see cref="GgufFile.DataOffset"/>, in bytes.</param>
/// <param name="ByteSize">The size of the tensor data in bytes, computed from the type's block size.</param>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Dimensions, GgmlType Type, long Offset, long ByteSize)
{
    /// <summary>Gets the number of elements: the product of the dimensions.</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var dimension in Dimensions)
            {
                count *= dimension;
            }

            return count;
        }
    }
}
