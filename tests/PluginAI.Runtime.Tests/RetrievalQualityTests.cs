using System.Globalization;
using System.Text.Json;
using PluginAI.Runtime.Ingestion;
using PluginAI.Runtime.Knowledge;
using PluginAI.Retrieval;
using Xunit.Abstractions;

namespace PluginAI.Runtime.Tests;

/// <summary>Retrieval quality on the fixed test set in tests/data/retrieval: hit@1, hit@5 and MRR@10 per search mode.</summary>
public sealed class RetrievalQualityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task HybridSearch_BeatsVectorOnlyAndKeywordOnly()
    {
        var set = KnowledgeHost.Metadata("RetrievalTestSet");
        var questions = JsonSerializer.Deserialize<List<TestQuestion>>(await File.ReadAllTextAsync(Path.Combine(set, "questions.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.True(questions.Count >= 30);
        await using var kb = await KnowledgeHost.StartAsync();
        var report = await kb.IngestAsync(new IngestionOptions { Folder = Path.Combine(set, "corpus"), KnowledgeBase = "quality" });
        Assert.Empty(report.Skipped);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"corpus: {report.Files} files, {report.Chunks} chunks, ingested in {report.Elapsed.TotalSeconds:0.0} s (parse {report.ParseTime.TotalSeconds:0.0} s, embed {report.EmbedTime.TotalSeconds:0.0} s, store {report.StoreTime.TotalSeconds:0.0} s)"));

        await using var session = await kb.OpenAsync("quality");
        var scores = new Dictionary<SearchMode, Score>();
        foreach (var mode in new[] { SearchMode.Vector, SearchMode.Keyword, SearchMode.Hybrid })
        {
            var score = new Score();
            foreach (var question in questions)
            {
                var passages = await KnowledgeHost.SearchAsync(session, question.Question, top: 10, mode);
                var rank = passages.ToList().FindIndex(p => p.Section?.Split(" > ")[^1] == question.Section) + 1;
                score.Add(rank);
            }

            scores[mode] = score;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mode.ToString().ToLowerInvariant(),-7} | {score.HitAt(1, questions.Count):0.000} | {score.HitAt(5, questions.Count):0.000} | {score.Mrr(questions.Count):0.000} |"));
        }

        var hybrid = scores[SearchMode.Hybrid].Mrr(questions.Count);
        Assert.True(hybrid > scores[SearchMode.Vector].Mrr(questions.Count), "hybrid MRR does not beat vector-only");
        Assert.True(hybrid > scores[SearchMode.Keyword].Mrr(questions.Count), "hybrid MRR does not beat keyword-only");
        Assert.True(scores[SearchMode.Hybrid].HitAt(5, questions.Count) >= 0.8, "hybrid finds the answer in the top 5 for fewer than 80% of the questions");
    }

    private sealed record TestQuestion(string Question, string Section);

    private sealed class Score
    {
        private readonly List<int> _ranks = [];

        public void Add(int rank) => _ranks.Add(rank);

        public double HitAt(int k, int count) => _ranks.Count(r => r >= 1 && r <= k) / (double)count;

        public double Mrr(int count) => _ranks.Where(r => r >= 1).Sum(r => 1.0 / r) / count;
    }
}
