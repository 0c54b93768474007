using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace PluginAI.Backends.Onnx.Internal;

/// <summary>Checks that an ONNX graph has the inputs and output of a BERT encoder.</summary>
internal static class BertModelSignature
{
    /// <summary>The input that carries the token ids.</summary>
    public const string InputIds = "input_ids";

    /// <summary>The input that marks real tokens (1) and padding (0).</summary>
    public const string AttentionMask = "attention_mask";

    /// <summary>The optional input that carries the segment of each token.</summary>
    public const string TokenTypeIds = "token_type_ids";

    /// <summary>The output holding one vector per token.</summary>
    public const string LastHiddenState = "last_hidden_state";

    /// <summary>Checks a session's graph.</summary>
    /// <param name="session">The session.</param>
    /// <param name="modelPath">The model file, for the message.</param>
    /// <returns>Whether the graph takes <c>token_type_ids</c>, and the hidden size, or 0 when the graph leaves it open.</returns>
    /// <exception cref="PluginException">The graph is not a BERT encoder.</exception>
    public static (bool HasTokenTypeIds, int HiddenSize) Validate(InferenceSession session, string modelPath)
    {
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        var valid =
            IsTokenInput(inputs, InputIds) &&
            IsTokenInput(inputs, AttentionMask) &&
            (!inputs.ContainsKey(TokenTypeIds) || IsTokenInput(inputs, TokenTypeIds)) &&
            inputs.Keys.All(name => name is InputIds or AttentionMask or TokenTypeIds) &&
            outputs.TryGetValue(LastHiddenState, out var hidden) &&
            hidden.IsTensor && hidden.ElementDataType == TensorElementType.Float && hidden.Dimensions.Length == 3;
        if (!valid)
        {
            throw new PluginException(
                $"The ONNX model '{modelPath}' is not a BERT sentence-embedding model this backend can run. " +
                $"Expected inputs {InputIds} and {AttentionMask} (int64 [batch, tokens]) and optionally {TokenTypeIds} (int64 [batch, tokens]), " +
                $"and an output {LastHiddenState} (float [batch, tokens, hidden]); " +
                $"found inputs {Describe(inputs)} and outputs {Describe(outputs)}.")
            {
                FilePath = modelPath,
                ErrorCode = "model.unexpected-signature",
            };
        }

        return (inputs.ContainsKey(TokenTypeIds), Math.Max(0, outputs[LastHiddenState].Dimensions[2]));
    }

    private static bool IsTokenInput(IReadOnlyDictionary<string, NodeMetadata> inputs, string name) =>
        inputs.TryGetValue(name, out var input) && input.IsTensor && input.ElementDataType == TensorElementType.Int64 && input.Dimensions.Length == 2;

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        nodes.Count == 0 ? "(none)" : string.Join(", ", nodes.Select(node => $"{node.Key} ({Describe(node.Value)})"));

    private static string Describe(NodeMetadata node)
    {
        if (!node.IsTensor)
        {
            return node.OnnxValueType.ToString();
        }

        var dimensions = node.Dimensions.Select((size, i) => size >= 0 ? size.ToString(System.Globalization.CultureInfo.InvariantCulture) : (node.SymbolicDimensions.ElementAtOrDefault(i) is { Length: > 0 } symbol ? symbol : "?"));
        return $"{node.ElementDataType.ToString().ToLowerInvariant()} [{string.Join(", ", dimensions)}]";
    }
}
