using PluginAI.Backends;

namespace PluginAI.Runtime.Models;

/// <summary>A GGUF model's header as a person needs it, and how the model would run here.</summary>
public sealed record ModelInfo
{
    /// <summary>Gets the model file.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the file's size in bytes.</summary>
    public required long FileBytes { get; init; }

    /// <summary>Gets the model's own name (<c>general.name</c>), if it has one.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the architecture (<c>general.architecture</c>), such as <c>llama</c>.</summary>
    public string? Architecture { get; init; }

    /// <summary>Gets the number of parameters: the elements of every tensor.</summary>
    public required long Parameters { get; init; }

    /// <summary>Gets the quantisation, such as <c>Q4_K_M</c> or <c>F32</c>.</summary>
    public string? Quantization { get; init; }

    /// <summary>Gets the context length the model was trained for.</summary>
    public int? ContextLength { get; init; }

    /// <summary>Gets the number of layers.</summary>
    public int? Layers { get; init; }

    /// <summary>Gets the embedding width.</summary>
    public int? EmbeddingLength { get; init; }

    /// <summary>Gets a value indicating whether the file carries a chat template.</summary>
    public required bool HasChatTemplate { get; init; }

    /// <summary>Gets the tokenizer model (<c>tokenizer.ggml.model</c>): <c>llama</c> (SentencePiece), <c>gpt2</c> (BPE), ...</summary>
    public string? Tokenizer { get; init; }

    /// <summary>Gets the vocabulary size.</summary>
    public int? VocabularySize { get; init; }

    /// <summary>Gets the GGUF version.</summary>
    public required int GgufVersion { get; init; }

    /// <summary>Gets the backend that would load it.</summary>
    public required string Backend { get; init; }

    /// <summary>Gets how it would run on this machine, with the memory it needs.</summary>
    public required DevicePlan Plan { get; init; }
}
