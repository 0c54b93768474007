using System.Buffers.Binary;
using PluginAI.TestSupport;

namespace PluginAI.Gguf.Tests;

public sealed class GgufFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Read_ReportsHyperparametersOfTinyLlamaModel()
    {
        var path = _temp.File("tiny.gguf");
        TinyLlamaModel.Write(path, new TinyLlamaModelOptions { ChatTemplate = TinyLlamaModel.ChatMLTemplate, VocabularySize = 600 });

        var file = GgufFile.Read(path);

        Assert.Equal(3, file.Version);
        Assert.Equal("llama", file.Architecture);
        Assert.Equal("tiny-llama", file.Name);
        Assert.Equal(2, file.BlockCount);
        Assert.Equal(2048, file.ContextLength);
        Assert.Equal(64, file.EmbeddingLength);
        Assert.Equal(128, file.FeedForwardLength);
        Assert.Equal(4, file.HeadCount);
        Assert.Equal(4, file.HeadCountKv);
        Assert.Equal(600, file.VocabSize);
        Assert.Equal(0, file.FileType);
        Assert.Equal("F32", file.QuantizationName);
        Assert.Equal(GgmlType.F32, file.DominantTensorType);
        Assert.Equal(TinyLlamaModel.ChatMLTemplate, file.ChatTemplate);
        Assert.Equal(32, file.Alignment);
        Assert.Equal(0, file.DataOffset % 32);
        Assert.Equal(new FileInfo(path).Length, file.FileSize);
        Assert.Equal(3 + (9 * 2), file.Tensors.Count);
        Assert.Equal(TinyLlamaModel.EstimateSize(new TinyLlamaModelOptions { VocabularySize = 600 }), file.TotalTensorBytes);
        Assert.Equal(file.FileSize, file.DataOffset + file.Tensors[^1].Offset + file.Tensors[^1].ByteSize);

        var embeddings = file.Tensors[0];
        Assert.Equal("token_embd.weight", embeddings.Name);
        Assert.Equal([64L, 600L], embeddings.Dimensions);
        Assert.Equal(64L * 600 * 4, embeddings.ByteSize);
        Assert.Equal(64L * 600, embeddings.ElementCount);

        var tokens = file.Metadata["tokenizer.ggml.tokens"].AsArray<string>()!;
        Assert.Equal("<0x00>", tokens[3]);
        Assert.Equal([6, 6], file.Metadata["tokenizer.ggml.token_type"].AsArray<int>()!.Skip(3).Take(2));
    }

    [Fact]
    public void Read_ReadsEveryMetadataType()
    {
        var path = _temp.File("types.gguf");
        new GgufWriter()
            .Add("u8", (byte)200).Add("i8", (sbyte)-100).Add("u16", (ushort)60000).Add("i16", (short)-30000)
            .Add("u32", 4_000_000_000u).Add("i32", -2_000_000_000).Add("f32", 1.5f).Add("bool", true)
            .Add("str", "héllo").Add("u64", ulong.MaxValue).Add("i64", long.MinValue).Add("f64", Math.PI)
            .Add("arr.u8", new byte[] { 1, 2 }).Add("arr.i16", new short[] { -1, 1 }).Add("arr.f32", new[] { 0.5f, 2f })
            .Add("arr.bool", new[] { true, false }).Add("arr.str", new[] { "a", "", "ü" }).Add("arr.u64", new[] { 1UL })
            .Add("arr.f64", new[] { 2.5 }).Add("arr.empty", Array.Empty<int>())
            .Add("arr.nested", new object[] { new[] { 1, 2 }, new[] { "x" } })
            .Write(path);

        var file = GgufFile.Read(path);

        Assert.Equal(21, file.Metadata.Count);
        Assert.Equal("u8", file.Metadata.Keys.First());
        Assert.Equal((byte)200, file.Metadata["u8"].Value);
        Assert.Equal((sbyte)-100, file.Metadata["i8"].Value);
        Assert.Equal((ushort)60000, file.Metadata["u16"].Value);
        Assert.Equal((short)-30000, file.Metadata["i16"].Value);
        Assert.Equal(4_000_000_000L, file.GetInt64("u32"));
        Assert.Equal(-2_000_000_000L, file.GetInt64("i32"));
        Assert.Equal(1.5f, file.Metadata["f32"].Value);
        Assert.Equal(true, file.Metadata["bool"].Value);
        Assert.Equal("héllo", file.GetString("str"));
        Assert.Equal(GgufValueType.UInt64, file.Metadata["u64"].Type);
        Assert.Null(file.GetInt64("u64"));
        Assert.Equal(long.MinValue, file.GetInt64("i64"));
        Assert.Equal(Math.PI, file.Metadata["f64"].Value);
        Assert.Equal([1, 2], file.Metadata["arr.u8"].AsArray<byte>()!);
        Assert.Equal([-1, 1], file.Metadata["arr.i16"].AsArray<short>()!);
        Assert.Equal([0.5f, 2f], file.Metadata["arr.f32"].AsArray<float>()!);
        Assert.Equal([true, false], file.Metadata["arr.bool"].AsArray<bool>()!);
        Assert.Equal(["a", "", "ü"], file.Metadata["arr.str"].AsArray<string>()!);
        Assert.Equal(GgufValueType.String, file.Metadata["arr.str"].ElementType);
        Assert.Equal([1UL], file.Metadata["arr.u64"].AsArray<ulong>()!);
        Assert.Equal([2.5], file.Metadata["arr.f64"].AsArray<double>()!);
        Assert.Equal(0, file.Metadata["arr.empty"].Count);
        var nested = file.Metadata["arr.nested"].AsArray<GgufMetadataValue>()!;
        Assert.Equal([1, 2], nested[0].AsArray<int>()!);
        Assert.Equal(["x"], nested[1].AsArray<string>()!);
        Assert.Empty(file.Tensors);
        Assert.Null(file.QuantizationName);
    }

    [Theory]
    [InlineData(GgmlType.F16, 64, 128)]
    [InlineData(GgmlType.BF16, 64, 128)]
    [InlineData(GgmlType.Q4_0, 64, 36)]
    [InlineData(GgmlType.Q4_1, 64, 40)]
    [InlineData(GgmlType.Q5_0, 64, 44)]
    [InlineData(GgmlType.Q5_1, 64, 48)]
    [InlineData(GgmlType.Q8_0, 64, 68)]
    [InlineData(GgmlType.Q2_K, 256, 84)]
    [InlineData(GgmlType.Q3_K, 256, 110)]
    [InlineData(GgmlType.Q4_K, 256, 144)]
    [InlineData(GgmlType.Q5_K, 256, 176)]
    [InlineData(GgmlType.Q6_K, 256, 210)]
    [InlineData(GgmlType.Q8_K, 256, 292)]
    [InlineData(GgmlType.IQ2_XXS, 256, 66)]
    [InlineData(GgmlType.IQ4_NL, 64, 36)]
    [InlineData(GgmlType.IQ4_XS, 256, 136)]
    public void Read_ComputesTensorBytesFromBlockSizes(GgmlType type, long columns, long bytesPerRow)
    {
        var path = _temp.File($"{type}.gguf");
        new GgufWriter()
            .AddZeroTensor("w", [columns, 3], (int)type, 3 * bytesPerRow)
            .AddZeroTensor("norm", [columns], 0, columns * 4)
            .Write(path);

        var file = GgufFile.Read(path);

        Assert.Equal(type, file.Tensors[0].Type);
        Assert.Equal(3 * bytesPerRow, file.Tensors[0].ByteSize);
        Assert.Equal((3 * bytesPerRow) + (columns * 4), file.TotalTensorBytes);
        Assert.Equal(type.ToString(), file.QuantizationName);
    }

    [Fact]
    public void Read_NamesQuantizationFromGeneralFileType()
    {
        var path = _temp.File("q4km.gguf");
        new GgufWriter().Add("general.file_type", 15u).AddZeroTensor("w", [256, 2], (int)GgmlType.Q4_K, 288).Write(path);

        Assert.Equal("Q4_K_M", GgufFile.Read(path).QuantizationName);
    }

    [Fact]
    public void Read_AcceptsVersion2()
    {
        var path = _temp.File("v2.gguf");
        new GgufWriter { Version = 2 }.Add("general.architecture", "llama").Write(path);

        var file = GgufFile.Read(path);

        Assert.Equal(2, file.Version);
        Assert.Equal("llama", file.Architecture);
    }

    [Fact]
    public void Read_HonoursGeneralAlignment()
    {
        var path = _temp.File("aligned.gguf");
        new GgufWriter { Alignment = 64 }
            .Add("general.alignment", 64u)
            .AddTensor("a", [3], [1f, 2f, 3f])
            .AddTensor("b", [5], new float[5])
            .Write(path);

        var file = GgufFile.Read(path);

        Assert.Equal(64, file.Alignment);
        Assert.Equal(0, file.DataOffset % 64);
        Assert.Equal(64, file.Tensors[1].Offset);
    }

    [Fact]
    public void Read_RejectsMissingFileNamingIt()
    {
        var path = _temp.File("absent.gguf");

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.Equal(GgufErrorCodes.NotFound, error.ErrorCode);
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("GG")]
    [InlineData("{\"not\": \"a model\"}")]
    public void Read_RejectsFileThatIsNotGguf(string content)
    {
        var path = _temp.File("model.gguf");
        File.WriteAllText(path, content);

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.Equal(GgufErrorCodes.NotGguf, error.ErrorCode);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<PluginException>(error);
    }

    [Fact]
    public void Read_RejectsFileTruncatedAnywhereInTheHeader()
    {
        var bytes = TinyModelBytes(out var dataOffset);
        var path = _temp.File("cut.gguf");

        // Every cut inside the header must fail with a clean error, never an exception of another kind.
        for (var cut = 4; cut < dataOffset; cut += 97)
        {
            File.WriteAllBytes(path, bytes[..cut]);
            var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));
            Assert.True(error.ErrorCode is GgufErrorCodes.Truncated, $"cut at {cut}: {error.ErrorCode} {error.Message}");
            Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_RejectsFileTruncatedInTensorData()
    {
        var bytes = TinyModelBytes(out _);
        var path = _temp.File("cut-data.gguf");
        File.WriteAllBytes(path, bytes[..^1000]);

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.Equal(GgufErrorCodes.Truncated, error.ErrorCode);
        Assert.Contains("tensor 'blk.1.ffn_down.weight'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1u, "version 1")]
    [InlineData(4u, "version 4")]
    [InlineData(0x03000000u, "big-endian")]
    public void Read_RejectsUnsupportedVersion(uint version, string expected)
    {
        var path = _temp.File("version.gguf");
        new GgufWriter { Version = version }.Add("general.architecture", "llama").Write(path);

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.Equal(GgufErrorCodes.UnsupportedVersion, error.ErrorCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8, "tensor count")]
    [InlineData(16, "key/value count")]
    [InlineData(24, "length of the key")]
    public void Read_RejectsAbsurdCountWithoutAllocating(int offset, string expected)
    {
        var bytes = TinyModelBytes(out _);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), 1UL << 62);
        var path = _temp.File("absurd.gguf");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.Equal(GgufErrorCodes.Invalid, error.ErrorCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public void Read_RejectsAbsurdArrayLength()
    {
        var path = _temp.File("array.gguf");
        new GgufWriter().Add("arr", new[] { 1, 2, 3 }).Write(path);
        var bytes = File.ReadAllBytes(path);

        // Header (24) + key length (8) + "arr" (3) + value type (4) + element type (4) = the array length.
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(43), ulong.MaxValue / 2);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.Equal(GgufErrorCodes.Invalid, error.ErrorCode);
        Assert.Contains("length of the value of 'arr'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RejectsUnknownValueType()
    {
        var path = _temp.File("type.gguf");
        new GgufWriter().Add("k", 1u).Write(path);
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24 + 8 + 1), 13);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.Equal(GgufErrorCodes.Invalid, error.ErrorCode);
        Assert.Contains("value type 13", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RejectsUnknownTensorType()
    {
        var path = _temp.File("ggml-type.gguf");
        new GgufWriter().AddZeroTensor("w", [32], 99, 64).Write(path);

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.Equal(GgufErrorCodes.Invalid, error.ErrorCode);
        Assert.Contains("ggml type 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RejectsDuplicateKey()
    {
        var path = _temp.File("duplicate.gguf");
        new GgufWriter().Add("general.name", "a").Add("general.name", "b").Write(path);

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.Contains("'general.name' appears twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RejectsTensorWithTooManyDimensions()
    {
        var path = _temp.File("dims.gguf");
        new GgufWriter().AddZeroTensor("w", [1, 1, 1, 1], 0, 4).Write(path);
        var bytes = File.ReadAllBytes(path);

        // Header (24) + name length (8) + "w" (1) = the dimension count.
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(33), 5);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(path));

        Assert.Contains("5 dimensions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FromStreamUsesSourceNameInErrors()
    {
        using var stream = new MemoryStream("GGUF\u0003\0\0\0"u8.ToArray());

        var error = Assert.Throws<GgufFormatException>(() => GgufFile.Read(stream, "memory.gguf"));

        Assert.Equal("memory.gguf", error.FilePath);
        Assert.Equal(GgufErrorCodes.Truncated, error.ErrorCode);
    }

    private byte[] TinyModelBytes(out long dataOffset)
    {
        var path = _temp.File("source.gguf");
        TinyLlamaModel.Write(path);
        dataOffset = GgufFile.Read(path).DataOffset;
        return File.ReadAllBytes(path);
    }
}
