using System.Text;
using Microsoft.Extensions.AI;
using PluginAI.Processing;

namespace PluginAI.Redaction.Tests;

public sealed class RedactionPostprocessorTests
{
    private readonly RedactionPostprocessor _redactor = new();

    [Theory]
    [InlineData("Write to alice.smith+kb@mail.example.co.uk today.", "Write to [EMAIL] today.")]
    [InlineData("IBAN DE89 3704 0044 0532 0130 00 for rent", "IBAN [IBAN] for rent")]
    [InlineData("IBAN GB82WEST12345698765432.", "IBAN [IBAN].")]
    [InlineData("card 4111 1111 1111 1111 expires", "card [CARD] expires")]
    [InlineData("card 5500-0000-0000-0004.", "card [CARD].")]
    [InlineData("call +49 30 12345678 or (555) 123-4567 or 555-123-4567", "call [PHONE] or [PHONE] or [PHONE]")]
    [InlineData("Berlin office: 030 1234567.", "Berlin office: [PHONE].")]
    public async Task Process_RedactsPersonalData(string input, string expected) =>
        Assert.Equal(expected, await RunAsync(input));

    [Theory]
    [InlineData("Order 4111 1111 1111 1112 failed the Luhn check.")]
    [InlineData("Released on 2026-11-27 as version 1.2.3 with 42 fixes.")]
    [InlineData("The year 2024 had 366 days and 8784 hours.")]
    public async Task Process_LeavesLookalikesAlone(string input) =>
        Assert.Equal(input, await RunAsync(input));

    [Fact]
    public async Task Process_IbanWithBadChecksum_IsNotRedactedAsIban()
    {
        // The digits of this IBAN happen to pass the Luhn check, so they may still be redacted as a card number.
        var output = await RunAsync("DE89 3704 0044 0532 0130 01 has a bad checksum.");
        Assert.DoesNotContain("[IBAN]", output, StringComparison.Ordinal);
        Assert.StartsWith("DE89 ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_DataSplitAcrossUpdates_IsStillRedacted_AndOrderIsKept()
    {
        const string Text = "Hi, I am Bob (bob@example.org), card 4111111111111111, IBAN GB82 WEST 1234 5698 7654 32. Bye.";
        var whole = await RunAsync(Text);
        var byCharacter = await RunAsync(Text.Select(c => c.ToString()).ToArray());

        Assert.Equal("Hi, I am Bob ([EMAIL]), card [CARD], IBAN [IBAN]. Bye.", whole);
        Assert.Equal(whole, byCharacter);
    }

    [Fact]
    public async Task Process_LongAnswer_StreamsBeforeTheEnd()
    {
        var context = new PostprocessorContext();
        var first = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        async IAsyncEnumerable<ChatResponseUpdate> Source()
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, new string('a', 500));
            first.SetResult();
            await release.Task;
            yield return new ChatResponseUpdate(ChatRole.Assistant, " end");
        }

        await using var enumerator = _redactor.ProcessAsync(Source(), context).GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync());
        Assert.Equal(500 - 96, enumerator.Current.Text.Length);
        release.SetResult();
        var rest = new StringBuilder();
        while (await enumerator.MoveNextAsync())
        {
            rest.Append(enumerator.Current.Text);
        }

        Assert.Equal(new string('a', 96) + " end", rest.ToString());
    }

    [Fact]
    public async Task Process_ReportsEachRedactionWithoutTheValue()
    {
        var context = new PostprocessorContext();
        var findings = new List<PostprocessorFinding>();
        await RunAsync(context, findings, "a@b.io and c@d.io and +1 415 555 2671");

        Assert.Equal(["pii.email", "pii.email", "pii.phone"], findings.Select(f => f.Code));
        Assert.DoesNotContain(findings, f => f.Message.Contains('@', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Process_UpdatesWithoutText_PassThrough()
    {
        var usage = new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { OutputTokenCount = 3 })] };
        var output = new List<ChatResponseUpdate>();
        await foreach (var update in _redactor.ProcessAsync(Stream(new ChatResponseUpdate(ChatRole.Assistant, "x@y.com"), usage), new PostprocessorContext()))
        {
            output.Add(update);
        }

        Assert.Contains(usage, output);
        Assert.Equal("[EMAIL]", string.Concat(output.Select(u => u.Text)));
    }

    [Fact]
    public async Task Process_Cancelled_StopsPromptly()
    {
        using var cts = new CancellationTokenSource();
        async IAsyncEnumerable<ChatResponseUpdate> Endless()
        {
            while (true)
            {
                await Task.Yield();
                yield return new ChatResponseUpdate(ChatRole.Assistant, "word ");
            }
        }

        var count = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in _redactor.ProcessAsync(Endless(), new PostprocessorContext(), cts.Token))
            {
                if (++count == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });
        Assert.Equal(3, count);
    }

    private Task<string> RunAsync(params string[] parts) => RunAsync(new PostprocessorContext(), parts);

    private Task<string> RunAsync(PostprocessorContext context, params string[] parts) => RunAsync(context, [], parts);

    private async Task<string> RunAsync(PostprocessorContext context, List<PostprocessorFinding> findings, params string[] parts)
    {
        var text = new StringBuilder();
        await foreach (var update in _redactor.ProcessAsync(Stream(parts.Select(p => new ChatResponseUpdate(ChatRole.Assistant, p)).ToArray()), context))
        {
            text.Append(update.Text);
            findings.AddRange(update.Contents.OfType<PostprocessorFindingContent>().Select(c => c.Finding));
        }

        return text.ToString();
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Stream(params ChatResponseUpdate[] updates)
    {
        foreach (var update in updates)
        {
            await Task.Yield();
            yield return update;
        }
    }
}
