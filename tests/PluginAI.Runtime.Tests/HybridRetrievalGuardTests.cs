using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Retrieval;
using PluginAI.Runtime.Evaluation;
using PluginAI.Runtime.Ingestion;
using Xunit.Abstractions;

namespace PluginAI.Runtime.Tests;

/// <summary>
/// Hybrid search is at least as good as the better of vector and keyword search alone, on the collection its fusion
/// was chosen on (tests/data/retrieval) and on collections held out from that choice.
/// </summary>
public sealed class HybridRetrievalGuardTests(HybridRetrievalGuardTests.Collections collections, ITestOutputHelper output) : IClassFixture<HybridRetrievalGuardTests.Collections>
{
    [Theory]
    [InlineData("retrieval")]
    [InlineData("retrieval-debian-reference")]
    [InlineData("retrieval-manpages")]
    [InlineData("retrieval-faq")]
    public async Task HybridSearch_IsAtLeastAsGoodAsTheBetterSingleMode(string collection)
    {
        var report = await collections.EvaluateAsync(collection);
        foreach (var mode in report.Modes)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {collection} | {mode.Mode.ToString().ToLowerInvariant()} | {mode.HitAt1:0.000} | {mode.HitAt5:0.000} | {mode.MrrAt10:0.000} | {mode.NdcgAt10:0.000} |"));
        }

        var hybrid = report.Modes.Single(m => m.Mode == SearchMode.Hybrid);
        var vector = report.Modes.Single(m => m.Mode == SearchMode.Vector);
        var keyword = report.Modes.Single(m => m.Mode == SearchMode.Keyword);
        const double Tolerance = 1e-9;
        Assert.True(hybrid.HitAt1 + Tolerance >= Math.Max(vector.HitAt1, keyword.HitAt1), $"{collection}: hybrid hit@1 {hybrid.HitAt1:0.000} < vector {vector.HitAt1:0.000} or keyword {keyword.HitAt1:0.000}");
        Assert.True(hybrid.HitAt5 + Tolerance >= Math.Max(vector.HitAt5, keyword.HitAt5), $"{collection}: hybrid hit@5 {hybrid.HitAt5:0.000} < vector {vector.HitAt5:0.000} or keyword {keyword.HitAt5:0.000}");
        Assert.True(hybrid.MrrAt10 + Tolerance >= Math.Max(vector.MrrAt10, keyword.MrrAt10), $"{collection}: hybrid MRR {hybrid.MrrAt10:0.000} < vector {vector.MrrAt10:0.000} or keyword {keyword.MrrAt10:0.000}");
        Assert.True(hybrid.HitAt5 >= 0.9, $"{collection}: hybrid finds the answer in the top 5 for {hybrid.HitAt5:P0} of the questions");
    }

    [Fact]
    public async Task ReadmeQuestion_OverTheDocsFolder_RanksTheAnsweringPassageFirst()
    {
        var top = await collections.SearchDocsAsync("How does PluginAI decide whether a plugin can run on this machine?");

        output.WriteLine(string.Join(Environment.NewLine, top.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Score:0.000} {Path.GetFileName(p.SourcePath)} § {p.Section}"))));
        Assert.Equal("manifest.md", Path.GetFileName(top[0].SourcePath));
        Assert.EndsWith("How the host decides", top[0].Section, StringComparison.Ordinal);
    }

    /// <summary>One knowledge base per test collection, ingested once for the class.</summary>
    public sealed class Collections : IAsyncLifetime
    {
        private readonly ConcurrentDictionary<string, Lazy<Task<RetrievalEvaluationReport>>> _reports = new();
        private KnowledgeHost? _host;

        public Task<RetrievalEvaluationReport> EvaluateAsync(string collection) =>
            _reports.GetOrAdd(collection, name => new Lazy<Task<RetrievalEvaluationReport>>(() => IngestAndEvaluateAsync(name))).Value;

        public async Task InitializeAsync() => _host = await KnowledgeHost.StartAsync();

        public async Task<IReadOnlyList<RetrievedPassage>> SearchDocsAsync(string question)
        {
            var ingestion = await _host!.IngestAsync(new IngestionOptions { Folder = KnowledgeHost.Metadata("RepositoryDocs"), KnowledgeBase = "docs", Include = { "**/*.md" } });
            Assert.True(ingestion.Files > 5);
            await using var session = await _host.OpenAsync("docs");
            return await KnowledgeHost.SearchAsync(session, question, top: 5, SearchMode.Hybrid);
        }

        public async Task DisposeAsync()
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }
        }

        private async Task<RetrievalEvaluationReport> IngestAndEvaluateAsync(string collection)
        {
            var folder = Path.Combine(KnowledgeHost.Metadata("TestData"), collection);
            var ingestion = await _host!.IngestAsync(new IngestionOptions { Folder = Path.Combine(folder, "corpus"), KnowledgeBase = collection });
            Assert.Empty(ingestion.Skipped);
            var questions = await RetrievalQuestionReader.ReadAsync(Path.Combine(folder, "questions.tsv"));
            return await _host.Services.GetRequiredService<RetrievalEvaluationService>().EvaluateAsync(new RetrievalEvaluationRequest { KnowledgeBase = collection, Questions = questions });
        }
    }
}
