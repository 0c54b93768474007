using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace PluginAI.Backends.Llama.Internal.Grammar;

/// <summary>Reads one request's generated text as it streams: text passes through, tool calls are held back and parsed.</summary>
/// <remarks>
/// A generation loop feeds every decoded piece to <see cref="Append"/> and emits what it returns, then calls
/// <see cref="Complete"/> once at the end and emits the final contents with the finish reason it returns. Nothing here
/// depends on how the tokens were produced, so any loop (one sequence at a time, or a batching scheduler) can drive it.
/// Not thread-safe: one instance per request, used by one caller at a time.
/// </remarks>
internal sealed class OutputInterpreter
{
    private readonly bool _toolCalls;
    private readonly StringBuilder _pending = new();
    private readonly List<FunctionCallContent> _calls = [];
    private State _state;

    /// <summary>Initializes a new instance of the <see cref="OutputInterpreter"/> class.</summary>
    /// <param name="toolCalls">Whether the output may hold tool calls; when false, all text passes straight through.</param>
    public OutputInterpreter(bool toolCalls)
    {
        _toolCalls = toolCalls;
        _state = toolCalls ? State.Deciding : State.Text;
    }

    private enum State
    {
        /// <summary>At the start, or after a call: the text so far may still become a call.</summary>
        Deciding,

        /// <summary>Inside a call, held back until it closes.</summary>
        Call,

        /// <summary>Plain text, passed through.</summary>
        Text,
    }

    /// <summary>Gets the tool calls read so far.</summary>
    public IReadOnlyList<FunctionCallContent> Calls => _calls;

    /// <summary>Takes the next piece of generated text.</summary>
    /// <returns>The contents to emit now: text, or nothing while a call may be forming.</returns>
    public IList<AIContent> Append(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        if (_state == State.Text && _pending.Length == 0)
        {
            return [new TextContent(text)];
        }

        _pending.Append(text);
        var emit = new StringBuilder();
        while (Step(emit))
        {
        }

        return emit.Length > 0 ? [new TextContent(emit.ToString())] : [];
    }

    /// <summary>Ends the output and returns the contents still to emit, and the finish reason to report.</summary>
    /// <param name="finishReason">Why generation stopped: <see cref="ChatFinishReason.Stop"/> or <see cref="ChatFinishReason.Length"/>.</param>
    /// <returns>
    /// The tool calls with <see cref="ChatFinishReason.ToolCalls"/> when at least one call was completed. A call that was cut
    /// off is returned as the text it is, with <paramref name="finishReason"/>; no call is made up from it.
    /// </returns>
    public OutputCompletion Complete(ChatFinishReason? finishReason)
    {
        var contents = new List<AIContent>();
        var rest = _pending.ToString();
        _pending.Clear();
        var whitespaceAfterCall = _state == State.Deciding && _calls.Count > 0 && string.IsNullOrWhiteSpace(rest);
        if (rest.Length > 0 && !whitespaceAfterCall)
        {
            contents.Add(new TextContent(rest));
        }

        _state = State.Text;
        contents.AddRange(_calls);
        return new OutputCompletion(contents, _calls.Count > 0 ? ChatFinishReason.ToolCalls : finishReason);
    }

    private bool Step(StringBuilder emit)
    {
        switch (_state)
        {
            case State.Deciding:
            {
                var text = _pending.ToString();
                var start = _calls.Count > 0 ? text.TrimStart() : text;
                if (start.StartsWith(OutputConstraint.CallStart, StringComparison.Ordinal))
                {
                    _pending.Clear().Append(start);
                    _state = State.Call;
                    return true;
                }

                if (OutputConstraint.CallStart.StartsWith(start, StringComparison.Ordinal))
                {
                    return false;
                }

                emit.Append(text);
                _pending.Clear();
                _state = State.Text;
                return false;
            }

            case State.Call:
            {
                var text = _pending.ToString();
                var end = text.IndexOf(OutputConstraint.CallEnd, OutputConstraint.CallStart.Length, StringComparison.Ordinal);
                if (end < 0)
                {
                    return false;
                }

                var body = text[OutputConstraint.CallStart.Length..end];
                var after = text[(end + OutputConstraint.CallEnd.Length)..];
                if (TryParseCall(body) is { } call)
                {
                    _calls.Add(call);
                    _pending.Clear().Append(after);
                    _state = State.Deciding;
                }
                else
                {
                    // Not a call after all (possible only without a grammar): the text is the answer.
                    emit.Append(text);
                    _pending.Clear();
                    _state = State.Text;
                }

                return _pending.Length > 0;
            }

            default:
                emit.Append(_pending);
                _pending.Clear();
                return false;
        }
    }

    /// <summary>Parses the JSON inside a call's tags: <c>{"name": "...", "arguments": {...}}</c>.</summary>
    /// <returns>The call, or null when the text is not one.</returns>
    public static FunctionCallContent? TryParseCall(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(name.GetString()))
            {
                return null;
            }

            var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (root.TryGetProperty("arguments", out var args))
            {
                if (args.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                foreach (var property in args.EnumerateObject())
                {
                    arguments[property.Name] = property.Value.Clone();
                }
            }

            return new FunctionCallContent(NewCallId(), name.GetString()!, arguments);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string NewCallId() => "call_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}

/// <summary>What an <see cref="OutputInterpreter"/> returns at the end of the output.</summary>
/// <param name="Contents">The contents still to emit: held-back text, then the tool calls.</param>
/// <param name="FinishReason">The finish reason to report: <see cref="ChatFinishReason.ToolCalls"/> when a call was made.</param>
internal readonly record struct OutputCompletion(IReadOnlyList<AIContent> Contents, ChatFinishReason? FinishReason);
