using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using PluginAI.Conformance.Internal;
using PluginAI.Processing;

namespace PluginAI.Conformance;

/// <summary>
/// The conformance checks for postprocessors, as plain async methods that need no test framework: xunit runs them through
/// <c>PluginAI.Testing</c>'s <c>PostprocessorConformanceTests</c> (inherit that in your test project and implement
/// <see cref="CreatePostprocessor"/>), and <c>ConformanceRunner</c> runs them without a test runner. Every check runs against your postprocessor.
/// </summary>
/// <remarks>
/// The suite checks what every host relies on: the stream is returned without being enumerated, updates without text
/// pass through, all text held back is released when the input ends, other contents and the finish reason keep their
/// place behind the text before them, text streams on before the input ends, an error of the input propagates as it is,
/// cancellation (before the first update or in the middle of an endless stream) ends the stream promptly, and one
/// instance serves concurrent streams independently.
/// </remarks>
public abstract class PostprocessorConformanceChecks
{
    /// <summary>Creates the postprocessor under test.</summary>
    /// <returns>The postprocessor.</returns>
    protected abstract IPostprocessor CreatePostprocessor();

    /// <summary>Gets text the postprocessor leaves unchanged, split into the updates of a stream.</summary>
    protected virtual IReadOnlyList<string> UnchangedText { get; } = ["The quick ", "brown fox ", "jumps over ", "the lazy dog."];

    /// <summary>Creates the context the suite passes.</summary>
    /// <returns>The context.</returns>
    protected virtual PostprocessorContext CreateContext() => new();

    /// <summary>The postprocessor describes itself.</summary>
    [ConformanceCheck]
    public virtual void Metadata_IsDescribed() => Check.False(string.IsNullOrWhiteSpace(CreatePostprocessor().Metadata.Name));

    /// <summary>Asking for the output stream does not read the input: the work happens while the output is enumerated.</summary>
    [ConformanceCheck]
    public virtual void Process_ReturnsTheStreamWithoutReadingTheInput()
    {
        var read = false;
        var output = CreatePostprocessor().ProcessAsync(Source(() => read = true), CreateContext());
        Check.NotNull(output);
        Check.False(read, "ProcessAsync read its input before the output was enumerated");
    }

    /// <summary>Text the postprocessor does not change comes out whole and in order, and updates without text pass through.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Process_KeepsTextInOrder_AndPassesOtherUpdatesThrough()
    {
        var usage = new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { OutputTokenCount = 4 })] };
        var updates = UnchangedText.Select(t => new ChatResponseUpdate(ChatRole.Assistant, t)).Append(usage).ToArray();
        var output = new List<ChatResponseUpdate>();
        await foreach (var update in CreatePostprocessor().ProcessAsync(Stream(updates), CreateContext()))
        {
            output.Add(update);
        }

        Check.Equal(string.Concat(UnchangedText), string.Concat(output.Select(u => u.Text)));
        Check.Contains(usage, output);
    }

    /// <summary>Cancelling the consumer stops an endless stream promptly.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Process_Cancelled_StopsAnEndlessStreamPromptly()
    {
        using var cts = new CancellationTokenSource();
        var watch = new Stopwatch();
        var received = 0;
        await Check.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in CreatePostprocessor().ProcessAsync(Endless(), CreateContext(), cts.Token))
            {
                if (++received == 1)
                {
                    watch.Start();
                    await cts.CancelAsync();
                }
            }
        });
        Check.True(watch.Elapsed < ConformanceSuite.CancellationGrace, $"the stream ran {watch.Elapsed} after cancellation");
    }

    /// <summary>One instance processes concurrent streams independently.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Process_ConcurrentStreams_DoNotInterfere()
    {
        var postprocessor = CreatePostprocessor();
        var texts = Enumerable.Range(0, 6).Select(i => UnchangedText.Select(t => $"{t}{i} ").ToArray()).ToArray();
        var results = await Task.WhenAll(texts.Select(async parts =>
        {
            var text = new StringBuilder();
            await foreach (var update in postprocessor.ProcessAsync(Stream(parts.Select(p => new ChatResponseUpdate(ChatRole.Assistant, p)).ToArray()), CreateContext()))
            {
                text.Append(update.Text);
            }

            return text.ToString();
        }));

        for (var i = 0; i < texts.Length; i++)
        {
            Check.Equal(string.Concat(texts[i]), results[i]);
        }
    }

    /// <summary>
    /// Updates of other content types, and the contents and finish reason an update carries besides its text, are kept
    /// and never overtake the text that came before them; the finish reason and usage of the last update arrive last.
    /// </summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Process_KeepsOtherContentsAndTheFinishReasonInOrder()
    {
        var parts = UnchangedText;
        var input = new List<ChatResponseUpdate>();
        var textBefore = new Dictionary<string, string>(StringComparer.Ordinal);
        var expectedMarkers = new List<string>();
        for (var i = 0; i < parts.Count - 1; i++)
        {
            input.Add(new ChatResponseUpdate(ChatRole.Assistant, parts[i]));
            var marker = $"application/x-pluginai-conformance-{i}";
            textBefore[marker] = string.Concat(parts.Take(i + 1));
            expectedMarkers.Add(marker);
            input.Add(new ChatResponseUpdate(ChatRole.Assistant, [new DataContent(new byte[] { (byte)i }, marker)]));
        }

        var fullText = string.Concat(parts);
        input.Add(new ChatResponseUpdate(ChatRole.Assistant, [new TextContent(parts[^1]), new UsageContent(new UsageDetails { OutputTokenCount = 42 })])
        {
            FinishReason = ChatFinishReason.Stop,
        });

        var output = new List<ChatResponseUpdate>();
        await foreach (var update in CreatePostprocessor().ProcessAsync(Stream([.. input]), CreateContext()))
        {
            output.Add(update);
        }

        Check.Equal(fullText, string.Concat(output.Select(u => u.Text)));
        var seen = new StringBuilder();
        var markers = new List<string>();
        foreach (var update in output)
        {
            seen.Append(update.Text);
            foreach (var data in update.Contents.OfType<DataContent>())
            {
                Check.True(textBefore.TryGetValue(data.MediaType, out var before), $"an update carried content that was not in the input: {data.MediaType}");
                Check.True(seen.ToString().StartsWith(before, StringComparison.Ordinal), $"{data.MediaType} came after '{seen}', ahead of text that preceded it: '{before}'");
                markers.Add(data.MediaType);
            }
        }

        Check.Equal(expectedMarkers, markers);
        var usage = Check.Single(output.SelectMany(u => u.Contents).OfType<UsageContent>());
        Check.Equal(42, usage.Details.OutputTokenCount);
        Check.Equal(ChatFinishReason.Stop, output[^1].FinishReason);
        Check.Contains(output[^1].Contents, c => c is UsageContent);
    }

    /// <summary>
    /// Text streams on while the input is still open: with 4,096 characters received and the input not ended, some text
    /// has come out. A postprocessor may hold back what it has not decided about, but not the whole answer.
    /// </summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Process_YieldsTextBeforeTheInputEnds()
    {
        var parts = new List<string>();
        for (var length = 0; length < 4096; length += parts[^1].Length)
        {
            parts.Add(UnchangedText[parts.Count % UnchangedText.Count]);
        }

        var expected = string.Concat(parts);
        var inputEnds = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstText = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var text = new StringBuilder();
        var consumer = Task.Run(async () =>
        {
            await foreach (var update in CreatePostprocessor().ProcessAsync(OpenEnded(parts, inputEnds.Task), CreateContext()))
            {
                lock (text)
                {
                    text.Append(update.Text);
                }

                if (!string.IsNullOrEmpty(update.Text))
                {
                    firstText.TrySetResult();
                }
            }
        });

        var streamed = await Task.WhenAny(firstText.Task, consumer, Task.Delay(ConformanceSuite.CancellationGrace)) == firstText.Task;
        string early;
        lock (text)
        {
            early = text.ToString();
        }

        inputEnds.TrySetResult();
        await consumer.WaitAsync(ConformanceSuite.CancellationGrace);
        Check.True(streamed, $"no text came out within {ConformanceSuite.CancellationGrace.TotalSeconds:0} s while the input was still open after {expected.Length} characters");
        Check.StartsWith(early, expected, StringComparison.Ordinal);
        Check.Equal(expected, text.ToString());
    }

    /// <summary>An exception thrown by the input stream reaches the consumer as it is, neither swallowed nor wrapped.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Process_InputThatThrows_PropagatesTheException()
    {
        var failure = new InvalidOperationException("the model failed in the middle of its answer (conformance)");
        var error = await Check.RecordExceptionAsync(async () =>
        {
            await foreach (var update in CreatePostprocessor().ProcessAsync(Failing(UnchangedText, failure), CreateContext()))
            {
                _ = update;
            }
        });
        Check.NotNull(error);
        Check.Same(failure, error);
    }

    /// <summary>A stream whose token is cancelled before the first update ends with <see cref="OperationCanceledException"/> and passes nothing on.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Process_CancelledBeforeTheFirstUpdate_PassesNothingOn()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var received = 0;
        var watch = Stopwatch.StartNew();
        await Check.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in CreatePostprocessor().ProcessAsync(Endless(), CreateContext(), cts.Token))
            {
                received++;
            }
        });
        Check.Equal(0, received);
        Check.True(watch.Elapsed < ConformanceSuite.CancellationGrace, $"the cancelled stream ran {watch.Elapsed}");
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Source(Action onRead)
    {
        onRead();
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "x");
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Stream(ChatResponseUpdate[] updates)
    {
        foreach (var update in updates)
        {
            await Task.Yield();
            yield return update;
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> OpenEnded(IReadOnlyList<string> parts, Task end)
    {
        foreach (var part in parts)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, part);
        }

        await end.ConfigureAwait(false);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Failing(IReadOnlyList<string> parts, Exception failure)
    {
        foreach (var part in parts)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, part);
        }

        throw failure;
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Endless([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _ = cancellationToken;
        while (true)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "word ");
        }
    }
}
