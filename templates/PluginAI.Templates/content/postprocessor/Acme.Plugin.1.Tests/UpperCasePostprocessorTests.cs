using System.Text;
using Microsoft.Extensions.AI;
using PluginAI.Processing;

namespace Acme.Plugin._1.Tests;

public sealed class UpperCasePostprocessorTests
{
    [Fact]
    public async Task UpperCasesTheAnswer_ButNotCodeSpansSplitAcrossUpdates()
    {
        var output = await ProcessAsync("Run `git ", "status` to see ", "what changed.");

        Assert.Equal("RUN `git status` TO SEE WHAT CHANGED.", output);
    }

    [Fact]
    public async Task ReleasesAnUnclosedCodeSpanWhenTheStreamEnds()
    {
        var output = await ProcessAsync("Type `exit");

        Assert.Equal("TYPE `exit", output);
    }

    private static async Task<string> ProcessAsync(params string[] parts)
    {
        var text = new StringBuilder();
        await foreach (var update in new UpperCasePostprocessor().ProcessAsync(Stream(parts), new PostprocessorContext()))
        {
            text.Append(update.Text);
        }

        return text.ToString();
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Stream(string[] parts)
    {
        foreach (var part in parts)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, part);
        }
    }
}
