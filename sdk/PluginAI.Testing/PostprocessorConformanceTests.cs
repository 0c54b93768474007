using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using PluginAI.Processing;
using Xunit;

namespace PluginAI.Testing;

/// <summary>
/// The conformance suite for postprocessors. Inherit it in your postprocessor's test project and implement
/// <see cref="CreatePostprocessor"/>; every test below then runs against your postprocessor.
/// </summary>
/// <remarks>
/// The suite checks what every host relies on: the stream is returned without being enumerated, updates without text
/// pass through, all text held back is released when the input ends, cancellation stops an endless stream promptly, and
/// one instance serves concurrent streams independently.
/// </remarks>
public abstract class PostprocessorConformanceTests
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
    [Fact]
    public void Metadata_IsDescribed() => Assert.False(string.IsNullOrWhiteSpace(CreatePostprocessor().Metadata.Name));

    /// <summary>Asking for the output stream does not read the input: the work happens while the output is enumerated.</summary>
    [Fact]
    public void Process_ReturnsTheStreamWithoutReadingTheInput()
    {
        var read = false;
        var output = CreatePostprocessor().ProcessAsync(Source(() => read = true), CreateContext());
        Assert.NotNull(output);
        Assert.False(read, "ProcessAsync read its input before the output was enumerated");
    }

    /// <summary>Text the postprocessor does not change comes out whole and in order, and updates without text pass through.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Process_KeepsTextInOrder_AndPassesOtherUpdatesThrough()
    {
        var usage = new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { OutputTokenCount = 4 })] };
        var updates = UnchangedText.Select(t => new ChatResponseUpdate(ChatRole.Assistant, t)).Append(usage).ToArray();
        var output = new List<ChatResponseUpdate>();
        await foreach (var update in CreatePostprocessor().ProcessAsync(Stream(updates), CreateContext()))
        {
            output.Add(update);
        }

        Assert.Equal(string.Concat(UnchangedText), string.Concat(output.Select(u => u.Text)));
        Assert.Contains(usage, output);
    }

    /// <summary>Cancelling the consumer stops an endless stream promptly.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Process_Cancelled_StopsAnEndlessStreamPromptly()
    {
        using var cts = new CancellationTokenSource();
        var watch = new Stopwatch();
        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
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
        Assert.True(watch.Elapsed < ConformanceSuite.CancellationGrace, $"the stream ran {watch.Elapsed} after cancellation");
    }

    /// <summary>One instance processes concurrent streams independently.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task Process_ConcurrentStreams_DoNotInterfere()
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
            Assert.Equal(string.Concat(texts[i]), results[i]);
        }
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
