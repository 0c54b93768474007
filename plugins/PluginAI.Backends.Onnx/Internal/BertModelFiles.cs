using System.Text.Json;

namespace PluginAI.Backends.Onnx.Internal;

/// <summary>The files of a BERT sentence-embedding model and what they say about tokenization.</summary>
internal sealed record BertModelFiles
{
    /// <summary>The sequence length BERT's position embeddings allow unless <c>config.json</c> says otherwise.</summary>
    public const int DefaultPositionLimit = 512;

    /// <summary>Gets the id the model is reported under.</summary>
    public required string ModelId { get; init; }

    /// <summary>Gets the ONNX file.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Gets the WordPiece vocabulary, one token a line.</summary>
    public required string VocabularyPath { get; init; }

    /// <summary>Gets the SHA-256 of the ONNX file in lower-case hex, which keys the optimised-model cache.</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>Gets the longest input in tokens, [CLS] and [SEP] included, that the model is meant to see.</summary>
    public required int MaxSequenceLength { get; init; }

    /// <summary>Gets the longest input the model can see at all (its position embeddings).</summary>
    public int PositionLimit { get; init; } = DefaultPositionLimit;

    /// <summary>Gets a value indicating whether input is lower-cased and stripped of accents (an uncased model).</summary>
    public bool LowerCase { get; init; } = true;

    /// <summary>Describes a model file the user named, with the Hugging Face files that may sit beside it.</summary>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="modelName">The name the caller registered it under, if any.</param>
    /// <param name="cancellationToken">A token to cancel hashing.</param>
    /// <returns>The model's files.</returns>
    /// <exception cref="PluginException">The file or its vocabulary is missing or unreadable, or a configuration file is malformed.</exception>
    public static async Task<BertModelFiles> FromUserModelAsync(string modelPath, string? modelName, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(modelPath);
        if (Directory.Exists(fullPath) || !File.Exists(fullPath))
        {
            throw new PluginException($"The model file '{fullPath}' does not exist. Give the path of a BERT sentence-embedding .onnx file, or 'all-MiniLM-L6-v2' for the built-in model.")
            {
                FilePath = fullPath,
                ErrorCode = "model.not-found",
            };
        }

        var folder = Path.GetDirectoryName(fullPath)!;
        var vocabulary = Path.Combine(folder, "vocab.txt");
        if (!File.Exists(vocabulary))
        {
            throw new PluginException($"The model '{fullPath}' has no vocab.txt beside it; a BERT model needs its WordPiece vocabulary, one token a line, in '{vocabulary}'.")
            {
                FilePath = fullPath,
                ErrorCode = "model.no-vocabulary",
            };
        }

        string hash;
        try
        {
            hash = await FileHashing.Sha256Async(fullPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PluginException($"The model file '{fullPath}' cannot be read: {ex.Message}", ex) { FilePath = fullPath, ErrorCode = "model.unreadable" };
        }

        var positionLimit = ReadInt(Path.Combine(folder, "config.json"), "max_position_embeddings") ?? DefaultPositionLimit;
        var maxLength = ReadInt(Path.Combine(folder, "sentence_bert_config.json"), "max_seq_length") ?? positionLimit;
        var lowerCase = ReadBool(Path.Combine(folder, "tokenizer_config.json"), "do_lower_case") ?? true;
        return new BertModelFiles
        {
            ModelId = string.IsNullOrWhiteSpace(modelName) ? Path.GetFileNameWithoutExtension(fullPath) : modelName,
            ModelPath = fullPath,
            VocabularyPath = vocabulary,
            ModelSha256 = hash,
            PositionLimit = positionLimit,
            MaxSequenceLength = Math.Min(maxLength, positionLimit),
            LowerCase = lowerCase,
        };
    }

    private static int? ReadInt(string path, string property) =>
        Read(path, property) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out var number) && number > 2 ? number : null;

    private static bool? ReadBool(string path, string property) =>
        Read(path, property) is { ValueKind: JsonValueKind.True or JsonValueKind.False } value ? value.GetBoolean() : null;

    private static JsonElement? Read(string path, string property)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(property, out var value) ? value.Clone() : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new PluginException($"The model configuration file '{path}' cannot be read as JSON: {ex.Message}", ex) { FilePath = path, ErrorCode = "model.bad-config" };
        }
    }
}
