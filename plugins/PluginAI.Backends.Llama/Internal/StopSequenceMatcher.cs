namespace PluginAI.Backends.Llama.Internal;

/// <summary>Finds stop sequences in streamed text, holding back only what could still become one.</summary>
internal sealed class StopSequenceMatcher
{
    private readonly string[] _stops;
    private readonly int _longest;
    private string _pending = string.Empty;

    public StopSequenceMatcher(IEnumerable<string>? stopSequences)
    {
        _stops = stopSequences?.Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).ToArray() ?? [];
        _longest = _stops.Length == 0 ? 0 : _stops.Max(s => s.Length);
    }

    /// <summary>Adds generated text; returns the text that is safe to emit and whether a stop sequence was reached.</summary>
    public (string Emit, bool Stopped) Append(string text)
    {
        if (_stops.Length == 0)
        {
            return (text, false);
        }

        var buffer = _pending + text;
        var stopAt = -1;
        foreach (var stop in _stops)
        {
            var index = buffer.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && (stopAt < 0 || index < stopAt))
            {
                stopAt = index;
            }
        }

        if (stopAt >= 0)
        {
            _pending = string.Empty;
            return (buffer[..stopAt], true);
        }

        var hold = HeldSuffixLength(buffer);
        _pending = buffer[^hold..];
        return (buffer[..^hold], false);
    }

    /// <summary>Returns the text held back, at the end of generation.</summary>
    public string Flush()
    {
        var rest = _pending;
        _pending = string.Empty;
        return rest;
    }

    private int HeldSuffixLength(string buffer)
    {
        for (var length = Math.Min(_longest - 1, buffer.Length); length > 0; length--)
        {
            var suffix = buffer.AsSpan(buffer.Length - length);
            foreach (var stop in _stops)
            {
                if (stop.AsSpan().StartsWith(suffix, StringComparison.Ordinal))
                {
                    return length;
                }
            }
        }

        return 0;
    }
}
