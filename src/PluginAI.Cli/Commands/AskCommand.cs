using System.CommandLine;
using System.Text;
using Microsoft.Extensions.AI;
using PluginAI.Backends;
using PluginAI.Host;
using PluginAI.Host.Knowledge;
using PluginAI.Host.Models;
using PluginAI.Retrieval;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai ask</c>: answers a question from a knowledge base, offline, with citations.</summary>
internal static class AskCommand
{
    /// <summary>The registered model name <c>ask</c> uses when no <c>--model</c> is given.</summary>
    public const string DefaultChatModel = "default";

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
            await using var host = await HostFactory.StartAsync(parse, cancellationToken).ConfigureAwait(false);
            IngestionReport? ingestion = null;
            if (parse.GetValue(from) is { } folder)
            {
                ingestion = await IngestCommand.RunAsync(console, host, new IngestionOptions { Folder = folder.FullName, KnowledgeBase = parse.GetValue(kb)! }, showProgress: !asJson, cancellationToken).ConfigureAwait(false);
                if (!asJson && ingestion.Skipped.Count > 0)
                {
                    IngestCommand.Render(console.Console, ingestion);
                }
            }

            await using var session = await new KnowledgeBaseCatalog(host).OpenAsync(parse.GetValue(kb)!, create: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            var modelName = parse.GetValue(model) ?? (new ModelRegistry(host.Paths).List().Any(m => m.Name == DefaultChatModel) ? DefaultChatModel : null);
            await using var chat = modelName is null ? null : await ModelLoader.LoadAsync(host, modelName, ModelCapabilities.Chat, plan.Read(parse), cancellationToken).ConfigureAwait(false);
            var options = new AskOptions
            {
                Top = parse.GetValue(top),
                Mode = parse.GetValue(mode),
                PathGlob = parse.GetValue(path),
                ChatClient = chat?.Model.ChatClient,
                ChatOptions = new ChatOptions { MaxOutputTokens = parse.GetValue(maxTokens), Temperature = parse.GetValue(temperature), Seed = parse.GetValue(seed) },
            };
            if (parse.GetValue(template) is { } file)
            {
                options.Settings["template"] = await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false);
            }

            var answer = await KnowledgeQueries.AskAsync(host, session, parse.GetValue(question)!, options, cancellationToken).ConfigureAwait(false);
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
                    model = chat?.Model.Metadata.ModelId,
                    sources = answer.Sources.Select((p, i) => new { number = i + 1, p.SourcePath, p.Page, p.Section, p.StartOffset, p.EndOffset, p.Score, p.Text }),
                    findings = answer.Context.Findings,
                    ingestion,
                });
                return 0;
            }

            console.Out.WriteLine();
            console.Out.WriteLine();
            console.Console.Write(SourcesTable.Create("Sources", answer.Sources, withText: false));
            foreach (var finding in answer.Context.Findings)
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
