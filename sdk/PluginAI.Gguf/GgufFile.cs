using PluginAI.Gguf.Internal;

namespace PluginAI.Gguf;

/// <summary>The header of a GGUF model file: version, metadata and tensor table, read without loading any weights.</summary>
/// <remarks>
/// <para>
/// <see cref="Read(string)"/> reads the header only (usually kilobytes to a few megabytes for the vocabulary),
/// checks every count and length against the size of the file before it allocates, and checks that every tensor lies
/// inside the file. A file that fails any check is reported with a <see cref="GgufFormatException"/> that names the file
/// and the problem, so a malformed file never reaches native code.
/// </para>
/// <para>GGUF versions 2 and 3, little-endian, are supported. Instances are immutable and safe to share between threads.</para>
/// </remarks>
public sealed class GgufFile
{
    /// <summary>The first four bytes of every GGUF file, <c>"GGUF"</c>, read as a little-endian integer.</summary>
    public const uint Magic = 0x46554747;

    /// <summary>The alignment of tensor data when <c>general.alignment</c> is absent.</summary>
    public const int DefaultAlignment = 32;

    private readonly OrderedDictionary<string, GgufMetadataValue> _metadata;

    internal GgufFile(string filePath, long fileSize, int version, int alignment, long dataOffset, OrderedDictionary<string, GgufMetadataValue> metadata, IReadOnlyList<GgufTensorInfo> tensors)
    {
        FilePath = filePath;
        FileSize = fileSize;
        Version = version;
        Alignment = alignment;
        DataOffset = dataOffset;
        Metadata = new System.Collections.ObjectModel.ReadOnlyDictionary<string, GgufMetadataValue>(metadata);
        _metadata = metadata;
        Tensors = tensors;
        TotalTensorBytes = tensors.Sum(t => t.ByteSize);
    }

    /// <summary>Gets the file the header was read from, or the source name given to <see cref="Read(Stream, string)"/>.</summary>
    public string FilePath { get; }

    /// <summary>Gets the size of the file in bytes.</summary>
    public long FileSize { get; }

    /// <summary>Gets the GGUF version: 2 or 3.</summary>
    public int Version { get; }

    /// <summary>Gets the alignment of tensor data in bytes, from <c>general.alignment</c> or <see cref="DefaultAlignment"/>.</summary>
    public int Alignment { get; }

    /// <summary>Gets the offset in the file where tensor data begins.</summary>
    public long DataOffset { get; }

    /// <summary>Gets the metadata key/value pairs, in file order.</summary>
    public IReadOnlyDictionary<string, GgufMetadataValue> Metadata { get; }

    /// <summary>Gets the tensors, in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Gets the total size of the tensor data in bytes, computed from each tensor's type and dimensions.</summary>
    public long TotalTensorBytes { get; }

    /// <summary>Gets the architecture from <c>general.architecture</c>, such as <c>llama</c>, or <see langword="null"/>.</summary>
    public string? Architecture => GetString("general.architecture");

    /// <summary>Gets the model name from <c>general.name</c>, or <see langword="null"/>.</summary>
    public string? Name => GetString("general.name");

    /// <summary>Gets the number of transformer blocks (layers) from <c>{arch}.block_count</c>, or <see langword="null"/>.</summary>
    public int? BlockCount => GetArchitectureInt32("block_count");

    /// <summary>Gets the context length the model was trained with, from <c>{arch}.context_length</c>, or <see langword="null"/>.</summary>
    public int? ContextLength => GetArchitectureInt32("context_length");

    /// <summary>Gets the embedding (hidden) size from <c>{arch}.embedding_length</c>, or <see langword="null"/>.</summary>
    public int? EmbeddingLength => GetArchitectureInt32("embedding_length");

    /// <summary>Gets the feed-forward size from <c>{arch}.feed_forward_length</c> (the largest, when it varies by layer), or <see langword="null"/>.</summary>
    public int? FeedForwardLength => GetArchitectureInt32("feed_forward_length");

    /// <summary>Gets the number of attention heads from <c>{arch}.attention.head_count</c>, or <see langword="null"/>.</summary>
    public int? HeadCount => GetArchitectureInt32("attention.head_count");

    /// <summary>Gets the number of key/value heads from <c>{arch}.attention.head_count_kv</c>, or <see cref="HeadCount"/> when absent, as llama.cpp reads it.</summary>
    public int? HeadCountKv => GetArchitectureInt32("attention.head_count_kv") ?? HeadCount;

    /// <summary>Gets the vocabulary size from <c>{arch}.vocab_size</c> or the length of <c>tokenizer.ggml.tokens</c>, or <see langword="null"/>.</summary>
    public int? VocabSize => GetArchitectureInt32("vocab_size")
        ?? (TryGetValue("tokenizer.ggml.tokens", out var tokens) && tokens.Type == GgufValueType.Array ? tokens.Count : null);

    /// <summary>Gets <c>general.file_type</c>, llama.cpp's number for the quantization of the file, or <see langword="null"/>.</summary>
    public int? FileType => TryGetValue("general.file_type", out var value) && value.TryGetInt64(out var number) && number is >= 0 and <= int.MaxValue ? (int)number : null;

    /// <summary>
    /// Gets the quantization, such as <c>Q4_K_M</c> or <c>F16</c>: the name of <see cref="FileType"/> when it is known, otherwise
    /// the type that holds most bytes of the two-dimensional tensors; <see langword="null"/> for a file without tensors.
    /// </summary>
    public string? QuantizationName => FileType is { } fileType && GgmlTypeTraits.FileTypeName(fileType) is { } name ? name : DominantTensorType?.ToString();

    /// <summary>Gets the type that holds most bytes of the weight matrices, or <see langword="null"/> for a file without tensors.</summary>
    public GgmlType? DominantTensorType
    {
        get
        {
            if (Tensors.Count == 0)
            {
                return null;
            }

            var candidates = Tensors.Any(t => t.Dimensions.Count >= 2) ? Tensors.Where(t => t.Dimensions.Count >= 2) : Tensors;
            return candidates.GroupBy(t => t.Type).Select(g => (Type: (GgmlType?)g.Key, Bytes: g.Sum(t => t.ByteSize))).MaxBy(g => g.Bytes).Type;
        }
    }

    /// <summary>Gets the chat template from <c>tokenizer.chat_template</c> (usually Jinja), or <see langword="null"/>.</summary>
    public string? ChatTemplate => GetString("tokenizer.chat_template");

    /// <summary>Reads the header of a GGUF file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The header.</returns>
    /// <exception cref="GgufFormatException">The file is missing, unreadable, truncated or not a valid GGUF file.</exception>
    public static GgufFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw GgufFormatException.Create(path, GgufErrorCodes.NotFound, "the file does not exist", innerException: ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw GgufFormatException.Create(path, GgufErrorCodes.Unreadable, $"the file cannot be opened: {ex.Message}", innerException: ex);
        }

        using (stream)
        {
            return Read(stream, path);
        }
    }

    /// <summary>Reads the header of a GGUF file from a stream positioned at its start.</summary>
    /// <param name="stream">A readable, seekable stream over the whole file; it is not disposed.</param>
    /// <param name="sourceName">The file name to put in errors and in <see cref="FilePath"/>.</param>
    /// <returns>The header.</returns>
    /// <exception cref="GgufFormatException">The content is truncated or not a valid GGUF file.</exception>
    public static GgufFile Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("The stream must be readable and seekable, so that counts can be checked against its length.", nameof(stream));
        }

        try
        {
            return new GgufParser(stream, sourceName).Parse();
        }
        catch (IOException ex)
        {
            throw GgufFormatException.Create(sourceName, GgufErrorCodes.Unreadable, $"reading failed: {ex.Message}", innerException: ex);
        }
    }

    /// <summary>Gets a metadata value.</summary>
    /// <param name="key">The key, such as <c>general.architecture</c>.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns><see langword="true"/> when the key is present.</returns>
    public bool TryGetValue(string key, out GgufMetadataValue value) => _metadata.TryGetValue(key, out value!);

    /// <summary>Gets a string metadata value, or <see langword="null"/> when the key is absent or not a string.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The string, or <see langword="null"/>.</returns>
    public string? GetString(string key) => TryGetValue(key, out var value) ? value.AsString() : null;

    /// <summary>Gets an integer metadata value, or <see langword="null"/> when the key is absent or not an integer.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The integer, or <see langword="null"/>.</returns>
    public long? GetInt64(string key) => TryGetValue(key, out var value) && value.TryGetInt64(out var number) ? number : null;

    /// <summary>Returns the file name, architecture, quantization and size, for logs.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"{Path.GetFileName(FilePath)} (GGUF v{Version}, {Architecture ?? "unknown architecture"}, {QuantizationName ?? "no tensors"}, {Tensors.Count} tensors, {FileSize} bytes)";

    private int? GetArchitectureInt32(string suffix)
    {
        if (Architecture is not { } architecture || !TryGetValue($"{architecture}.{suffix}", out var value))
        {
            return null;
        }

        long number;
        if (value.Type == GgufValueType.Array)
        {
            // Some architectures vary the value per layer (feed_forward_length, head_count); the largest one sizes buffers.
            var numbers = ((Array)value.Value).Cast<object>().Select(o => new GgufMetadataValue(value.ElementType!.Value, o)).Select(v => v.TryGetInt64(out var n) ? n : -1).ToList();
            if (numbers.Count == 0 || numbers.Contains(-1))
            {
                return null;
            }

            number = numbers.Max();
        }
        else if (!value.TryGetInt64(out number))
        {
            return null;
        }

        return number is >= 0 and <= int.MaxValue ? (int)number : null;
    }
}
