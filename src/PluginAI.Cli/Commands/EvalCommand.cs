using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Retrieval;
using PluginAI.Runtime.Evaluation;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai eval</c>: measure quality. <c>eval retrieval</c> scores search over a knowledge base.</summary>
internal static class EvalCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("eval", "Measure quality against questions whose answers are known.");
        command.Subcommands.Add(CreateRetrieval(console));
        return command;
    }

    private static Command CreateRetrieval(CliConsole console)
    {
        var kb = KnowledgeOptions.KnowledgeBase();
        var questions = new Option<FileInfo>("--questions", "-q")
        {
            Description = "The questions: TSV (question<TAB>source[|source...][<TAB>section]) or JSON Lines (.jsonl: {\"question\", \"sources\", \"section\"}).",
            Required = true,
        };
        var mode = new Option<string>("--mode")
        {
            Description = "hybrid, vector, keyword or all (default).",
            DefaultValueFactory = _ => "all",
        };
        mode.AcceptOnlyFromAmong("all", "hybrid", "vector", "keyword");
        var misses = new Option<int>("--misses")
        {
            Description = "How many missed questions to list per mode in the table (all are in --json).",
            DefaultValueFactory = _ => 20,
        };
        var json = PluginAICommand.JsonOption();
        var command = new Command("retrieval", "Score search over a knowledge base: hit@1, hit@5, MRR@10 and nDCG@10 per search mode, and the questions each mode missed.")
        {
            kb, questions, mode, misses, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(questions)!;
            var set = await RetrievalQuestionReader.ReadAsync(file.FullName, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<SearchMode> modes = parse.GetValue(mode) switch
            {
                "hybrid" => [SearchMode.Hybrid],
                "vector" => [SearchMode.Vector],
                "keyword" => [SearchMode.Keyword],
                _ => [SearchMode.Hybrid, SearchMode.Vector, SearchMode.Keyword],
            };
            await using var services = CliServices.Create(parse);
            var report = await services.GetRequiredService<RetrievalEvaluationService>().EvaluateAsync(
                new RetrievalEvaluationRequest { KnowledgeBase = parse.GetValue(kb)!, Questions = set, Modes = modes },
                cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, report);
                return 0;
            }

            Render(console, report, file.Name, Math.Max(0, parse.GetValue(misses)));
            return 0;
        });
        return command;
    }

    private static void Render(CliConsole console, RetrievalEvaluationReport report, string fileName, int missLimit)
    {
        var table = new Table().RoundedBorder().Title($"[bold]Retrieval on {Markup.Escape(report.KnowledgeBase)}: {report.Questions} questions from {Markup.Escape(fileName)}[/]");
        table.AddColumn("Mode");
        table.AddColumn(new TableColumn("hit@1").RightAligned());
        table.AddColumn(new TableColumn("hit@5").RightAligned());
        table.AddColumn(new TableColumn("MRR@10").RightAligned());
        table.AddColumn(new TableColumn("nDCG@10").RightAligned());
        table.AddColumn(new TableColumn("Time").RightAligned());
        foreach (var result in report.Modes)
        {
            table.AddRow(
                ModeName(result.Mode),
                Format(result.HitAt1),
                Format(result.HitAt5),
                Format(result.MrrAt10),
                Format(result.NdcgAt10),
                string.Create(CultureInfo.InvariantCulture, $"{result.Elapsed.TotalSeconds:0.0} s"));
        }

        console.Console.Write(table);
        foreach (var result in report.Modes.Where(r => r.Misses.Count > 0 && missLimit > 0))
        {
            var missTable = new Table().RoundedBorder().Title($"[bold]{ModeName(result.Mode)}: {result.Misses.Count} not ranked first[/]");
            missTable.AddColumn(new TableColumn("Line").RightAligned());
            missTable.AddColumn("Question");
            missTable.AddColumn("Expected");
            missTable.AddColumn(new TableColumn("Rank").RightAligned());
            missTable.AddColumn("Ranked first");
            foreach (var miss in result.Misses.Take(missLimit))
            {
                var expected = string.Join(" | ", miss.Question.Sources) + (miss.Question.Section is { } section ? $" § {section}" : string.Empty);
                missTable.AddRow(
                    miss.Question.Line.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(miss.Question.Question),
                    Markup.Escape(expected),
                    miss.Rank == 0 ? "-" : miss.Rank.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(miss.RankedFirst ?? "nothing found"));
            }

            console.Console.Write(missTable);
            if (result.Misses.Count > missLimit)
            {
                console.Console.MarkupLineInterpolated($"[grey]... and {result.Misses.Count - missLimit} more (see --json or --misses)[/]");
            }
        }
    }

    private static string ModeName(SearchMode mode) => mode.ToString().ToLowerInvariant();

    private static string Format(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
