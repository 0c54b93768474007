using PluginAI.Retrieval;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace PluginAI.Server.Internal;

/// <summary>Turns a stream of <see cref="ChatResponseUpdate"/>s into an OpenAI chat or text completion, streamed as SSE or whole.</summary>
internal sealed class Generation
{
    private readonly HttpContext _context;
    private readonly ChatRequest _request;
    private readonly bool _chat;
    private readonly string _model;
    private readonly ServerMetrics _metrics;
    private readonly PluginAIServerOptions _options;
    private readonly long _started;
    private readonly string _id;
    private readonly long _created;
    private long _firstToken;

    public Generation(HttpContext context, ChatRequest request, bool chat, string model, ServerMetrics metrics, PluginAIServerOptions options, long started)
    {
        _context = context;
        _request = request;
        _chat = chat;
        _model = model;
        _metrics = metrics;
        _options = options;
        _started = started;
        _id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
        _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    /// <summary>Gets or sets the knowledge-base passages the answer cites, returned as the <c>sources</c> extension.</summary>
    public IReadOnlyList<RetrievedPassage>? Sources { get; set; }

    public async Task RunAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var aborted = _context.RequestAborted;
        _metrics.GenerationStarted();
        try
        {
            await using var enumerator = updates.GetAsyncEnumerator(aborted);

            // The first update is awaited before anything is written, so that a request the backend refuses (a schema it
            // cannot enforce, a prompt that does not fit, a full queue) still gets its 4xx rather than a 200 that fails.
            var any = await enumerator.MoveNextAsync().ConfigureAwait(false);
            if (_request.Stream)
            {
                await StreamAsync(enumerator, any, aborted).ConfigureAwait(false);
            }
            else
            {
                await WholeAsync(enumerator, any, aborted).ConfigureAwait(false);
            }
        }
        finally
        {
            _metrics.GenerationEnded();
        }
    }

    private async Task WholeAsync(IAsyncEnumerator<ChatResponseUpdate> updates, bool any, CancellationToken aborted)
    {
        var text = new StringBuilder();
        var calls = new List<FunctionCallContent>();
        UsageDetails? usage = null;
        ChatFinishReason? finish = null;
        while (any)
        {
            Collect(updates.Current, text, calls, ref usage, ref finish);
            any = await updates.MoveNextAsync().ConfigureAwait(false);
        }

        Finished(usage);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(text.Length + 512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteHeader(writer, _chat ? "chat.completion" : "text_completion");
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            if (_chat)
            {
                writer.WriteStartObject("message");
                writer.WriteString("role", "assistant");
                if (text.Length > 0 || calls.Count == 0)
                {
                    writer.WriteString("content", text.ToString());
                }
                else
                {
                    writer.WriteNull("content");
                }

                writer.WriteNull("refusal");
                if (calls.Count > 0)
                {
                    writer.WriteStartArray("tool_calls");
                    for (var i = 0; i < calls.Count; i++)
                    {
                        WriteToolCall(writer, calls[i], index: null);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }
            else
            {
                writer.WriteString("text", text.ToString());
            }

            writer.WriteNull("logprobs");
            writer.WriteString("finish_reason", FinishReason(finish, calls.Count > 0));
            writer.WriteEndObject();
            writer.WriteEndArray();
            WriteUsage(writer, usage);
            WriteSources(writer);
            writer.WriteEndObject();
        }

        _context.Response.StatusCode = 200;
        _context.Response.ContentType = "application/json";
        await _context.Response.Body.WriteAsync(buffer.WrittenMemory, aborted).ConfigureAwait(false);
    }

    private async Task StreamAsync(IAsyncEnumerator<ChatResponseUpdate> updates, bool any, CancellationToken aborted)
    {
        SseStream.Start(_context.Response);
        var sse = new SseStream(_context.Response);
        UsageDetails? usage = null;
        ChatFinishReason? finish = null;
        var toolCalls = 0;
        var first = true;
        try
        {
            if (_chat)
            {
                // OpenAI's first chunk carries the role; the sources of a knowledge-base answer ride along with it.
                await sse.WriteAsync(w => WriteChunk(w, w => { w.WriteString("role", "assistant"); w.WriteString("content", string.Empty); }, null, sources: true), aborted).ConfigureAwait(false);
                first = false;
            }

            while (any)
            {
                var update = updates.Current;
                foreach (var content in update.Contents)
                {
                    switch (content)
                    {
                        case TextContent { Text.Length: > 0 } text:
                            MarkFirstToken();
                            var sendSources = first;
                            first = false;
                            await sse.WriteAsync(w => WriteChunk(w, w => WriteDelta(w, text.Text), null, sendSources), aborted).ConfigureAwait(false);
                            break;
                        case FunctionCallContent call when _chat:
                            MarkFirstToken();
                            var index = toolCalls++;
                            await sse.WriteAsync(w => WriteChunk(w, w => { w.WriteStartArray("tool_calls"); WriteToolCall(w, call, index); w.WriteEndArray(); }, null, sources: false), aborted).ConfigureAwait(false);
                            break;
                        case UsageContent u:
                            usage = u.Details;
                            break;
                    }
                }

                finish = update.FinishReason ?? finish;
                any = await updates.MoveNextAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            // Headers are out; the failure goes to the client as an error event in OpenAI's shape.
            var error = ErrorMiddleware.Translate(ex, _options);
            await sse.WriteRawAsync(OpenAIErrors.Serialize(error), aborted).ConfigureAwait(false);
            return;
        }

        Finished(usage);
        var reason = FinishReason(finish, toolCalls > 0);
        await sse.WriteAsync(w => WriteChunk(w, w => { }, reason, sources: false), aborted).ConfigureAwait(false);
        if (_request.IncludeUsage)
        {
            await sse.WriteAsync(w =>
            {
                w.WriteStartObject();
                WriteHeader(w, _chat ? "chat.completion.chunk" : "text_completion");
                w.WriteStartArray("choices");
                w.WriteEndArray();
                WriteUsage(w, usage);
                w.WriteEndObject();
            }, aborted).ConfigureAwait(false);
        }

        await sse.WriteDoneAsync(aborted).ConfigureAwait(false);
    }

    private void MarkFirstToken()
    {
        if (_firstToken == 0)
        {
            _firstToken = Stopwatch.GetTimestamp();
            _metrics.RecordFirstToken(_model, Stopwatch.GetElapsedTime(_started, _firstToken));
        }
    }

    private void Finished(UsageDetails? usage)
    {
        MarkFirstToken();
        _metrics.RecordGeneration(_model, usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0, Stopwatch.GetElapsedTime(_firstToken));
    }

    private void Collect(ChatResponseUpdate update, StringBuilder text, List<FunctionCallContent> calls, ref UsageDetails? usage, ref ChatFinishReason? finish)
    {
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    if (t.Text.Length > 0)
                    {
                        MarkFirstToken();
                    }

                    text.Append(t.Text);
                    break;
                case FunctionCallContent call:
                    MarkFirstToken();
                    calls.Add(call);
                    break;
                case UsageContent u:
                    usage = u.Details;
                    break;
            }
        }

        finish = update.FinishReason ?? finish;
    }

    private void WriteChunk(Utf8JsonWriter writer, Action<Utf8JsonWriter> delta, string? finishReason, bool sources)
    {
        writer.WriteStartObject();
        WriteHeader(writer, _chat ? "chat.completion.chunk" : "text_completion");
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        if (_chat)
        {
            writer.WriteStartObject("delta");
            delta(writer);
            writer.WriteEndObject();
        }
        else
        {
            delta(writer);
            if (finishReason is not null)
            {
                writer.WriteString("text", string.Empty);
            }
        }

        writer.WriteNull("logprobs");
        if (finishReason is null)
        {
            writer.WriteNull("finish_reason");
        }
        else
        {
            writer.WriteString("finish_reason", finishReason);
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
        if (_request.IncludeUsage)
        {
            writer.WriteNull("usage");
        }

        if (sources)
        {
            WriteSources(writer);
        }

        writer.WriteEndObject();
    }

    private void WriteDelta(Utf8JsonWriter writer, string text) => writer.WriteString(_chat ? "content" : "text", text);

    private void WriteHeader(Utf8JsonWriter writer, string type)
    {
        writer.WriteString("id", _id);
        writer.WriteString("object", type);
        writer.WriteNumber("created", _created);
        writer.WriteString("model", _request.Model);
        writer.WriteString("system_fingerprint", "pluginai");
    }

    private static void WriteToolCall(Utf8JsonWriter writer, FunctionCallContent call, int? index)
    {
        writer.WriteStartObject();
        if (index is { } i)
        {
            writer.WriteNumber("index", i);
        }

        writer.WriteString("id", call.CallId);
        writer.WriteString("type", "function");
        writer.WriteStartObject("function");
        writer.WriteString("name", call.Name);
        writer.WriteString("arguments", JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>))));
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter writer, UsageDetails? usage)
    {
        var prompt = usage?.InputTokenCount ?? 0;
        var completion = usage?.OutputTokenCount ?? 0;
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", prompt);
        writer.WriteNumber("completion_tokens", completion);
        writer.WriteNumber("total_tokens", usage?.TotalTokenCount ?? prompt + completion);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", usage?.CachedInputTokenCount ?? 0);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private void WriteSources(Utf8JsonWriter writer)
    {
        if (Sources is null)
        {
            return;
        }

        writer.WriteStartArray("sources");
        for (var i = 0; i < Sources.Count; i++)
        {
            Responses.WritePassage(writer, Sources[i], i + 1);
        }

        writer.WriteEndArray();
    }

    private static string FinishReason(ChatFinishReason? finish, bool toolCalls) =>
        toolCalls || finish == ChatFinishReason.ToolCalls ? "tool_calls"
        : finish == ChatFinishReason.Length ? "length"
        : finish == ChatFinishReason.ContentFilter ? "content_filter"
        : "stop";
}
