using System.Text;
using Microsoft.Extensions.AI;
using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Citations.Tests;

public sealed class CitationPostprocessorTests
{
    private static readonly RetrievedPassage[] s_three =
    [
        new() { SourcePath = "a.md", Text = "A", Score = 1 },
        new() { SourcePath = "b.md", Text = "B", Score = 0.9 },
        new() { SourcePath = "c.md", Text = "C", Score = 0.8 },
    ];

    [Theory]
    [InlineData("Plugins are isolated [1].", "Plugins are isolated [1].")]
    [InlineData("See [2, 3] and [1;2].", "See [2, 3] and [1, 2].")]
    [InlineData("Both [1][9][3].", "Both [1][3].")]
    [InlineData("Invented [7].", "Invented.")]
    [InlineData("Mixed [2, 9] here.", "Mixed [2] here.")]
    [InlineData("Arrays like x[0] stay, [0] is dropped.", "Arrays like x[0] stay, is dropped.")]
    [InlineData("Not citations: [a], [1-2], [].", "Not citations: [a], [1-2], [].")]
    public async Task Process_KeepsValidCitationsAndDropsInvented(string input, string expected) =>
        Assert.Equal(expected, await RunAsync(new PostprocessorContext { Sources = s_three }, input));

    [Fact]
    public async Task Process_ReportsEachDroppedCitation()
    {
        var context = new PostprocessorContext { Sources = s_three };
        var findings = new List<PostprocessorFinding>();
        await RunAsync(context, findings, "One [4], two [1, 5].");

        Assert.Equal(["dropped citation [4]: only sources 1 to 3 were retrieved", "dropped citation [5]: only sources 1 to 3 were retrieved"], findings.Select(f => f.Message));
        Assert.All(findings, f => Assert.Equal("citation.dropped", f.Code));
    }

    [Fact]
    public async Task Process_CitationSplitAcrossUpdates_IsCheckedWhole()
    {
        var context = new PostprocessorContext { Sources = s_three };
        var findings = new List<PostprocessorFinding>();
        var output = await RunAsync(context, findings, "Answer [", "1,", " 8", "] done [", "3", "].");

        Assert.Equal("Answer [1] done [3].", output);
        Assert.Single(findings);
    }

    [Fact]
    public async Task Process_NoSources_DropsEveryCitation()
    {
        var findings = new List<PostprocessorFinding>();
        Assert.Equal("Claim.", await RunAsync(new PostprocessorContext(), findings, "Claim [1]."));
        Assert.Equal("dropped citation [1]: no sources were retrieved", Assert.Single(findings).Message);
    }

    private static Task<string> RunAsync(PostprocessorContext context, params string[] parts) => RunAsync(context, [], parts);

    private static async Task<string> RunAsync(PostprocessorContext context, List<PostprocessorFinding> findings, params string[] parts)
    {
        var text = new StringBuilder();
        await foreach (var update in new CitationPostprocessor().ProcessAsync(Stream(parts), context))
        {
            text.Append(update.Text);
            findings.AddRange(update.Contents.OfType<PostprocessorFindingContent>().Select(c => c.Finding));
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
