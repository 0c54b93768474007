using PluginAI.Retrieval;
using PluginAI.Runtime.Evaluation;

namespace PluginAI.Runtime.Tests;

public sealed class RetrievalMetricsTests
{
    [Fact]
    public void Judge_OneExpectedSourceAtRankThree_GivesReciprocalRankAndDiscountedGain()
    {
        var question = new RetrievalQuestion { Question = "q", Sources = ["b.md"] };
        var judgement = RetrievalMetrics.Judge(question, [Passage("docs/a.md"), Passage("docs/c.md"), Passage("docs/b.md"), Passage("docs/b.md")]);
        Assert.Equal(3, judgement.Rank);
        Assert.Equal(0.5, judgement.Ndcg, 12);
    }

    [Fact]
    public void Judge_TwoExpectedSources_CountsEachSourceOnceAgainstTheIdealRanking()
    {
        var question = new RetrievalQuestion { Question = "q", Sources = ["a.md", "b.md"] };
        var judgement = RetrievalMetrics.Judge(question, [Passage("a.md"), Passage("a.md"), Passage("b.md")]);

        // DCG = 1/log2(2) + 1/log2(4) = 1.5 (the second a.md gains nothing); ideal = 1 + 1/log2(3).
        Assert.Equal(1, judgement.Rank);
        Assert.Equal(1.5 / (1 + (1 / Math.Log2(3))), judgement.Ndcg, 12);
    }

    [Fact]
    public void Judge_Section_MustMatchTheEndOfTheHeadingPath()
    {
        var question = new RetrievalQuestion { Question = "q", Sources = ["guide.html"], Section = "4.3. Good password" };
        var judgement = RetrievalMetrics.Judge(question, [Passage("guide.html", "Chapter 4 > 4.2. Accounts"), Passage("x/guide.html", "Chapter 4 > 4.3. Good password")]);
        Assert.Equal(2, judgement.Rank);
    }

    [Fact]
    public void Judge_AnswerBelowTheDepthOrMissing_IsRankZero()
    {
        var question = new RetrievalQuestion { Question = "q", Sources = ["z.md"] };
        var passages = Enumerable.Range(0, 10).Select(i => Passage($"{i}.md")).Append(Passage("z.md")).ToList();
        var judgement = RetrievalMetrics.Judge(question, passages, depth: 10);
        Assert.Equal(0, judgement.Rank);
        Assert.Equal(0, judgement.Ndcg);
    }

    [Fact]
    public void Matches_DoesNotTakeASuffixOfAFileNameForTheFile()
    {
        Assert.False(RetrievalMetrics.Matches(Passage("docs/mycp.1.txt"), "cp.1.txt", null));
        Assert.True(RetrievalMetrics.Matches(Passage("docs/CP.1.txt"), "cp.1.txt", null));
    }

    [Fact]
    public void From_RanksOneThreeSevenAndMissing_ScoresAsComputedByHand()
    {
        RetrievalJudgement[] judgements = [new(1, 1), new(3, 0.5), new(7, 1 / 3.0), new(0, 0)];
        var result = RetrievalModeResult.From(SearchMode.Hybrid, judgements, [], TimeSpan.Zero);
        Assert.Equal(0.25, result.HitAt1, 12);
        Assert.Equal(0.5, result.HitAt5, 12);
        Assert.Equal((1 + (1 / 3.0) + (1 / 7.0)) / 4, result.MrrAt10, 12);
        Assert.Equal((1 + 0.5 + (1 / 3.0)) / 4, result.NdcgAt10, 12);
    }

    private static RetrievedPassage Passage(string source, string? section = null) => new() { SourcePath = source, Text = "text", Score = 0, Section = section };
}
