using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace PluginAI.Documents.Internal;

/// <summary>Decides whether bytes are text and in which encoding, without decoding them.</summary>
/// <remarks>
/// Order of evidence: a byte-order mark (UTF-8, UTF-16, UTF-32) wins; then the NUL pattern of UTF-16 without a mark;
/// then NUL and control bytes, which text does not have, mark binary; then valid UTF-8. Bytes that are not valid UTF-8
/// are still UTF-8 when valid multi-byte sequences outnumber the invalid bytes (a UTF-8 file with a few stray bytes);
/// otherwise they are Windows-1252 (a superset of Latin-1's printable characters), unless so many bytes are invalid
/// that the content is binary after all.
/// </remarks>
internal static class TextSniffer
{
    /// <summary>How much of the content the binary checks look at; the encoding checks look at all of it.</summary>
    public const int SampleLength = 64 * 1024;

    private const double MaxControlRatio = 0.05;
    private const double MaxInvalidUtf8Ratio = 0.30;

    private static readonly Lazy<Encoding> s_windows1252 = new(() => CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1);

    public static Encoding Windows1252 => s_windows1252.Value;

    public static TextSniff Sniff(ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty)
        {
            return new TextSniff(new UTF8Encoding(false), 0, null);
        }

        if (DetectByteOrderMark(content) is { } marked)
        {
            return marked;
        }

        var sample = content[..Math.Min(content.Length, SampleLength)];
        if (DetectUtf16WithoutMark(sample) is { } utf16)
        {
            return utf16;
        }

        if (sample.Contains((byte)0))
        {
            return TextSniff.Binary("it contains NUL bytes");
        }

        if (ControlRatio(sample) > MaxControlRatio)
        {
            return TextSniff.Binary("it contains control characters");
        }

        if (Utf8.IsValid(content))
        {
            return new TextSniff(new UTF8Encoding(false), 0, null);
        }

        var (validMultiByte, invalidBytes) = ScanUtf8(content);
        if (invalidBytes == 0 || validMultiByte > invalidBytes)
        {
            return new TextSniff(new UTF8Encoding(false), 0, null) { Lossy = invalidBytes > 0 };
        }

        if ((double)invalidBytes / content.Length > MaxInvalidUtf8Ratio)
        {
            return TextSniff.Binary("it is neither UTF-8 nor Windows-1252 text");
        }

        return new TextSniff(Windows1252, 0, null) { FellBackToLegacyEncoding = true };
    }

    private static TextSniff? DetectByteOrderMark(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            return new TextSniff(new UTF32Encoding(bigEndian: false, byteOrderMark: false), 4, null);
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return new TextSniff(new UTF32Encoding(bigEndian: true, byteOrderMark: false), 4, null);
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return new TextSniff(new UTF8Encoding(false), 3, null);
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return new TextSniff(new UnicodeEncoding(bigEndian: false, byteOrderMark: false), 2, null);
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return new TextSniff(new UnicodeEncoding(bigEndian: true, byteOrderMark: false), 2, null);
        }

        return null;
    }

    /// <summary>Recognises UTF-16 text without a byte-order mark by its zero high bytes (most text is mostly ASCII or Latin).</summary>
    private static TextSniff? DetectUtf16WithoutMark(ReadOnlySpan<byte> sample)
    {
        if (sample.Length < 16)
        {
            return null;
        }

        int pairs = sample.Length / 2, zeroEven = 0, zeroOdd = 0, controlsLittle = 0, controlsBig = 0;
        for (var i = 0; i + 1 < sample.Length; i += 2)
        {
            if (sample[i + 1] == 0)
            {
                zeroOdd++;
                controlsLittle += IsControl(sample[i]) ? 1 : 0;
            }

            if (sample[i] == 0)
            {
                zeroEven++;
                controlsBig += IsControl(sample[i + 1]) ? 1 : 0;
            }
        }

        // The zero bytes must sit on one side only, and the characters they make must not be control characters.
        if (zeroOdd > pairs * 0.4 && zeroEven == 0 && controlsLittle <= zeroOdd * MaxControlRatio)
        {
            return new TextSniff(new UnicodeEncoding(bigEndian: false, byteOrderMark: false), 0, null);
        }

        if (zeroEven > pairs * 0.4 && zeroOdd == 0 && controlsBig <= zeroEven * MaxControlRatio)
        {
            return new TextSniff(new UnicodeEncoding(bigEndian: true, byteOrderMark: false), 0, null);
        }

        return null;
    }

    /// <summary>Tab, line feed, vertical tab, form feed, carriage return and escape (ANSI colours in logs) occur in text; other C0 controls do not.</summary>
    private static bool IsControl(byte b) => b < 0x20 && b is not (0x09 or 0x0A or 0x0B or 0x0C or 0x0D or 0x1B);

    private static double ControlRatio(ReadOnlySpan<byte> sample)
    {
        var controls = 0;
        foreach (var b in sample)
        {
            if (IsControl(b))
            {
                controls++;
            }
        }

        return (double)controls / sample.Length;
    }

    private static (int ValidMultiByte, int InvalidBytes) ScanUtf8(ReadOnlySpan<byte> content)
    {
        int validMultiByte = 0, invalidBytes = 0;
        while (!content.IsEmpty)
        {
            var asciiLength = content.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (asciiLength < 0)
            {
                break;
            }

            content = content[asciiLength..];
            var status = System.Text.Rune.DecodeFromUtf8(content, out _, out var consumed);
            if (status == OperationStatus.Done)
            {
                validMultiByte++;
            }
            else if (status == OperationStatus.NeedMoreData)
            {
                // A sequence cut off by the end of the file: a truncated UTF-8 file, not another encoding.
                break;
            }
            else
            {
                invalidBytes += consumed;
            }

            content = content[consumed..];
        }

        return (validMultiByte, invalidBytes);
    }
}

/// <summary>What <see cref="TextSniffer"/> found.</summary>
/// <param name="Encoding">The encoding to decode with, or <see langword="null"/> for binary content.</param>
/// <param name="PreambleLength">The length of the byte-order mark to skip.</param>
/// <param name="BinaryReason">Why the content is binary, or <see langword="null"/> for text.</param>
internal sealed record TextSniff(Encoding? Encoding, int PreambleLength, string? BinaryReason)
{
    public bool IsBinary => Encoding is null;

    /// <summary>Gets a value indicating whether the text is not UTF-8 and was read as Windows-1252.</summary>
    public bool FellBackToLegacyEncoding { get; init; }

    /// <summary>Gets a value indicating whether some invalid UTF-8 bytes will be decoded as U+FFFD.</summary>
    public bool Lossy { get; init; }

    public static TextSniff Binary(string reason) => new(null, 0, reason);
}
