using System.Text;

namespace PluginAI.Backends.Onnx.Tests;

/// <summary>Writes minimal valid ONNX models by encoding the protobuf messages by hand.</summary>
internal static class TinyOnnxModel
{
    public const int Float = 1;
    public const int Int64 = 7;

    /// <summary>A graph with one Identity node from <paramref name="input"/> to <paramref name="output"/>.</summary>
    public static byte[] Identity(string input, string output, int elementType, params object[] dimensions) =>
        Model(Graph(
            nodes: [Node("Identity", [input], [output])],
            inputs: [ValueInfo(input, elementType, dimensions)],
            outputs: [ValueInfo(output, elementType, dimensions)]));

    /// <summary>A graph with BERT's inputs whose only output is <paramref name="output"/>, a copy of input_ids.</summary>
    public static byte[] BertInputsWithOutput(string output) =>
        Model(Graph(
            nodes: [Node("Identity", ["input_ids"], [output])],
            inputs: [ValueInfo("input_ids", Int64, "batch", "tokens"), ValueInfo("attention_mask", Int64, "batch", "tokens")],
            outputs: [ValueInfo(output, Int64, "batch", "tokens")]));

    private static byte[] Model(byte[] graph)
    {
        var model = new ProtoWriter();
        model.Varint(1, 8);                                                        // ir_version
        model.Bytes(2, Encoding.UTF8.GetBytes("PluginAI tests"));                  // producer_name
        model.Bytes(7, graph);                                                     // graph
        model.Bytes(8, new ProtoWriter().Bytes(1, []).Varint(2, 13).ToArray());    // opset_import: default domain, opset 13
        return model.ToArray();
    }

    private static byte[] Graph(byte[][] nodes, byte[][] inputs, byte[][] outputs)
    {
        var graph = new ProtoWriter();
        foreach (var node in nodes)
        {
            graph.Bytes(1, node);
        }

        graph.Bytes(2, Encoding.UTF8.GetBytes("tiny"));
        foreach (var input in inputs)
        {
            graph.Bytes(11, input);
        }

        foreach (var output in outputs)
        {
            graph.Bytes(12, output);
        }

        return graph.ToArray();
    }

    private static byte[] Node(string opType, string[] inputs, string[] outputs)
    {
        var node = new ProtoWriter();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }

        foreach (var output in outputs)
        {
            node.String(2, output);
        }

        return node.String(4, opType).ToArray();
    }

    private static byte[] ValueInfo(string name, int elementType, params object[] dimensions)
    {
        var shape = new ProtoWriter();
        foreach (var dimension in dimensions)
        {
            var dim = dimension is string symbol ? new ProtoWriter().String(2, symbol) : new ProtoWriter().Varint(1, Convert.ToUInt64(dimension, System.Globalization.CultureInfo.InvariantCulture));
            shape.Bytes(1, dim.ToArray());
        }

        var tensor = new ProtoWriter().Varint(1, (ulong)elementType).Bytes(2, shape.ToArray());
        var type = new ProtoWriter().Bytes(1, tensor.ToArray());
        return new ProtoWriter().String(1, name).Bytes(2, type.ToArray()).ToArray();
    }

    private sealed class ProtoWriter
    {
        private readonly MemoryStream _stream = new();

        public ProtoWriter Varint(int field, ulong value)
        {
            Key(field, 0);
            Raw(value);
            return this;
        }

        public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public ProtoWriter Bytes(int field, byte[] value)
        {
            Key(field, 2);
            Raw((ulong)value.Length);
            _stream.Write(value);
            return this;
        }

        public byte[] ToArray() => _stream.ToArray();

        private void Key(int field, int wireType) => Raw((ulong)((field << 3) | wireType));

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _stream.WriteByte((byte)value);
        }
    }
}
