using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Retrieval;
using PluginAI.Runtime.Evaluation;
using PluginAI.Runtime.Ingestion;

namespace PluginAI.Runtime.Tests;

/// <summary>The retrieval evaluation over a real knowledge base ingested from a small folder.</summary>
public sealed class RetrievalEvaluationTests
{
    private const string Questions = """
        question	sources
        How do I mend a punctured bicycle inner tube?	bikes.md
        How often should a sourdough starter be fed with flour and water?	bread.md
        Which form do I file to claim back overpaid income tax?	taxes/refund.md
        """;

    [Fact]
    public async Task EvaluateAsync_TinyKnowledgeBase_ScoresAsComputedByHandInEveryMode()
    {
        await using var kb = await KnowledgeHost.StartAsync();
        await IngestAsync(kb);
        var questions = RetrievalQuestionReader.Parse(Questions, "tiny.tsv", jsonLines: false);

        var report = await kb.Services.GetRequiredService<RetrievalEvaluationService>().EvaluateAsync(new RetrievalEvaluationRequest { KnowledgeBase = "tiny", Questions = questions });

        Assert.Equal(3, report.Questions);
        Assert.Equal([SearchMode.Hybrid, SearchMode.Vector, SearchMode.Keyword], report.Modes.Select(m => m.Mode));
        foreach (var mode in report.Modes)
        {
            // Two questions answered first; the third names a source that is not in the knowledge base.
            Assert.Equal(2 / 3.0, mode.HitAt1, 12);
            Assert.Equal(2 / 3.0, mode.HitAt5, 12);
            Assert.Equal(2 / 3.0, mode.MrrAt10, 12);
            Assert.Equal(2 / 3.0, mode.NdcgAt10, 12);
            var miss = Assert.Single(mode.Misses);
            Assert.Equal(4, miss.Question.Line);
            Assert.Equal(0, miss.Rank);
        }
    }

    [Fact]
    public async Task EvalRetrievalCommand_WritesTheSameReportAsJsonAndATable()
    {
        var root = Directory.CreateTempSubdirectory("pluginai-eval").FullName;
        var docs = Path.Combine(root, "docs");
        await WriteDocumentsAsync(docs);
        var (code, output, error) = await RunCliAsync(root, "ingest", docs, "--kb", "tiny");
        Assert.True(code == 0, error);

        var questionFile = Path.Combine(root, "tiny.tsv");
        await File.WriteAllTextAsync(questionFile, Questions);

        (code, output, error) = await RunCliAsync(root, "eval", "retrieval", "--kb", "tiny", "--questions", questionFile, "--mode", "keyword", "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var mode = Assert.Single(json.RootElement.GetProperty("modes").EnumerateArray());
        Assert.Equal("keyword", mode.GetProperty("mode").GetString());
        Assert.Equal(2 / 3.0, mode.GetProperty("hitAt1").GetDouble(), 12);
        Assert.Equal("taxes/refund.md", Assert.Single(mode.GetProperty("misses").EnumerateArray()).GetProperty("question").GetProperty("sources")[0].GetString());

        (code, output, error) = await RunCliAsync(root, "eval", "retrieval", "--kb", "tiny", "--questions", questionFile);
        Assert.True(code == 0, error);
        Assert.Contains("hit@1", output, StringComparison.Ordinal);
        Assert.Contains("nDCG@10", output, StringComparison.Ordinal);
        Assert.Contains("0.667", output, StringComparison.Ordinal);
        Assert.Contains("Which form do I file", output, StringComparison.Ordinal);

        await File.WriteAllTextAsync(questionFile, "How?\n");
        (code, _, error) = await RunCliAsync(root, "eval", "retrieval", "--kb", "tiny", "--questions", questionFile);
        Assert.Equal(1, code);
        Assert.Contains($"{questionFile}:1: field 'line'", error, StringComparison.Ordinal);
        Directory.Delete(root, recursive: true);
    }

    private static async Task IngestAsync(KnowledgeHost kb)
    {
        var docs = kb.Folder("docs");
        await WriteDocumentsAsync(docs);
        var report = await kb.IngestAsync(new IngestionOptions { Folder = docs, KnowledgeBase = "tiny" });
        Assert.Equal(3, report.Files);
        Assert.Empty(report.Skipped);
    }

    private static async Task WriteDocumentsAsync(string docs)
    {
        Directory.CreateDirectory(docs);
        await File.WriteAllTextAsync(Path.Combine(docs, "bikes.md"), "# Fixing a flat tyre\n\nTake the wheel off the bicycle, lever the tyre from the rim and pull out the inner tube. Find the puncture, roughen the rubber around it, spread glue and press a patch on it.\n");
        await File.WriteAllTextAsync(Path.Combine(docs, "bread.md"), "# Keeping a sourdough starter\n\nFeed the starter every day: discard half of it, then add equal weights of flour and water and leave it covered at room temperature.\n");
        await File.WriteAllTextAsync(Path.Combine(docs, "garden.md"), "# Pruning roses\n\nCut roses back in late winter, just above an outward-facing bud, and remove dead or crossing stems.\n");
    }

    private static async Task<(int Code, string Out, string Error)> RunCliAsync(string root, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(KnowledgeHost.Metadata("PluginAICli"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PLUGINAI_HOME"] = Path.Combine(root, "home");
        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "200";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
