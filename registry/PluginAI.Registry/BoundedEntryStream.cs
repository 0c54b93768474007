using System.Globalization;

namespace PluginAI.Registry;

/// <summary>
/// Reads a zip entry and fails as soon as it yields more bytes than allowed or expands beyond the compression ratio
/// limit, whatever the zip headers claim.
/// </summary>
internal sealed class BoundedEntryStream(Stream inner, string name, long maxBytes, long compressedLength, ExtractionLimits limits) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public long BytesRead => _read;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Ask for one byte more than allowed so that an entry that runs past its limit is caught, not truncated.
        var room = maxBytes - _read + 1;
        var n = inner.Read(room < buffer.Length ? buffer[..(int)room] : buffer);
        _read += n;
        Check();
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Check()
    {
        if (_read > maxBytes)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{name}: the entry holds more than the {maxBytes} bytes allowed for it (the manifest's size or the size limit); refused"));
        }

        if (_read > limits.CompressionRatioThresholdBytes && _read > limits.MaxCompressionRatio * Math.Max(compressedLength, 1))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{name}: the entry expands from {compressedLength} compressed bytes to more than {_read} bytes, beyond the {limits.MaxCompressionRatio:0.#}:1 limit; refused as a zip bomb"));
        }
    }
}
