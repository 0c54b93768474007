using System.CommandLine;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Retrieval;
using PluginAI.Runtime;
using PluginAI.Runtime.Ingestion;
using PluginAI.Runtime.Knowledge;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai ask</c>: answers a question from a knowledge base, offline, with citations.</summary>
internal static class AskCommand
{
    /// <summary>The registered model name <c>ask</c> uses when no <c>--model</c> is given.</summary>
    public const string DefaultChatModel = PluginAIOptions.DefaultChatModelName;

    public static Command Create(CliConsole console)
    {
        var question = new Argument<string>("question") { Description = "The question." };
        var kb = KnowledgeOptions.KnowledgeBase();
        var from = new Option<DirectoryInfo?>("--from") { Description = "Ingest this folder first (only new and changed files are processed)." };
        var model = new Option<string?>("--model", "-m") { Description = $"A GGUF file or registered name that writes the answer (default: the model registered as '{DefaultChatModel}'); without one the answer quotes the best passages." };
        var top = new Option<int>("--top", "-k") { Description = "How many passages to retrieve.", DefaultValueFactory = _ => 5 };
        var mode = new Option<SearchMode>("--mode") { Description = "hybrid (default), vector or keyword.", DefaultValueFactory = _ => SearchMode.Hybrid };
        var path = new Option<string?>("--path") { Description = "Only sources whose path matches this glob." };
        var template = new Option<FileInfo?>("--template") { Description = "A Scriban template for the prompt (sees 'question' and 'passages')." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "The most tokens to generate.", DefaultValueFactory = _ => 512 };
        var temperature = new Option<float?>("--temperature") { Description = "Sampling temperature." };
        var seed = new Option<long?>("--seed") { Description = "Random seed, for reproducible answers." };
        var json = PluginAICommand.JsonOption();
        var plan = new PlanOptions();
        var command = new Command("ask", "Answer a question from your documents, offline, with numbered citations.") { question, kb, from, model, top, mode, path, template, maxTokens, temperature, seed, json };
        plan.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var asJson = parse.GetValue(json);
            await using var services = CliServices.Create(parse);
            IngestionReport? ingestion = null;
            if (parse.GetValue(from) is { } folder)
            {
                ingestion = await IngestCommand.RunAsync(console, services.GetRequiredService<IngestionService>(), new IngestionOptions { Folder = folder.FullName, KnowledgeBase = parse.GetValue(kb)! }, showProgress: !asJson, cancellationToken).ConfigureAwait(false);
                if (!asJson && ingestion.Skipped.Count > 0)
                {
                    IngestCommand.Render(console.Console, ingestion);
                }
            }

            await using var answer = await services.GetRequiredService<AskService>().AskAsync(
                new AskRequest
                {
                    Question = parse.GetValue(question)!,
                    KnowledgeBase = parse.GetValue(kb)!,
                    Model = parse.GetValue(model),
                    Top = parse.GetValue(top),
                    Mode = parse.GetValue(mode),
                    PathGlob = parse.GetValue(path),
                    TemplateFile = parse.GetValue(template)?.FullName,
                    ChatOptions = new ChatOptions { MaxOutputTokens = parse.GetValue(maxTokens), Temperature = parse.GetValue(temperature), Seed = parse.GetValue(seed) },
                    Plan = plan.Read(parse),
                },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            var text = new StringBuilder();
            await foreach (var update in answer.Updates.ConfigureAwait(false))
            {
                text.Append(update.Text);
                if (!asJson && !string.IsNullOrEmpty(update.Text))
                {
                    console.Out.Write(update.Text);
                    console.Out.Flush();
                }
            }

            if (asJson)
            {
                JsonOutput.Write(console.Out, new
                {
                    question = parse.GetValue(question),
                    answer = text.ToString(),
                    extractive = answer.IsExtractive,
                    model = answer.ModelId,
                    sources = answer.Sources.Select((p, i) => new { number = i + 1, p.SourcePath, p.Page, p.Section, p.StartOffset, p.EndOffset, p.Score, p.Text }),
                    findings = answer.Findings,
                    ingestion,
                });
                return 0;
            }

            console.Out.WriteLine();
            console.Out.WriteLine();
            console.Console.Write(SourcesTable.Create("Sources", answer.Sources, withText: false));
            foreach (var finding in answer.Findings)
            {
                console.Console.MarkupLineInterpolated($"[grey]{finding.Postprocessor}: {finding.Message}[/]");
            }

            if (answer.IsExtractive)
            {
                console.Console.MarkupLine($"[grey]No generative model is configured, so these are the best passages. To have answers written, add a GGUF model: 'pluginai models add {DefaultChatModel} path/to/model.gguf' (or pass --model).[/]");
            }

            return 0;
        });
        return command;
    }
}
