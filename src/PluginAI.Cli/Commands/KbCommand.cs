using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Runtime.Knowledge;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai kb</c>: list, inspect and remove knowledge bases.</summary>
internal static class KbCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("kb", "List, inspect and remove knowledge bases.");
        var listJson = PluginAICommand.JsonOption();
        var list = new Command("list", "List knowledge bases.") { listJson };
        list.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var bases = await services.GetRequiredService<KnowledgeBaseService>().ListAsync(cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(listJson))
            {
                JsonOutput.Write(console.Out, bases);
                return 0;
            }

            var table = new Table().RoundedBorder().Title("[bold]Knowledge bases[/]");
            table.AddColumn("Name");
            table.AddColumn("Embedding model");
            table.AddColumn("Folders");
            table.AddColumn("Created");
            foreach (var b in bases)
            {
                table.AddRow(b.Name, $"{b.EmbeddingModel} ({b.Dimensions} dims)", string.Join(Environment.NewLine, b.Folders), b.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
            }

            console.Console.Write(table);
            return 0;
        });

        var statsName = new Argument<string>("name") { Description = "The knowledge base.", DefaultValueFactory = _ => KnowledgeBaseService.DefaultName };
        var statsJson = PluginAICommand.JsonOption();
        var stats = new Command("stats", "Show a knowledge base's counts and sizes.") { statsName, statsJson };
        stats.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var (info, s) = await services.GetRequiredService<KnowledgeBaseService>().GetStatisticsAsync(parse.GetValue(statsName)!, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(statsJson))
            {
                JsonOutput.Write(console.Out, new { info = info, statistics = s });
                return 0;
            }

            var table = new Table().RoundedBorder().Title($"[bold]{Markup.Escape(info.Name)}[/]").HideHeaders();
            table.AddColumn("What");
            table.AddColumn("Value");
            table.AddRow("Documents", s.Documents.ToString(CultureInfo.InvariantCulture));
            table.AddRow("Chunks", s.Chunks.ToString(CultureInfo.InvariantCulture));
            table.AddRow("Size on disk", string.Create(CultureInfo.InvariantCulture, $"{s.SizeBytes / (1024.0 * 1024):0.0} MiB"));
            table.AddRow("Embedding model", $"{s.EmbeddingModelId ?? info.EmbeddingModelId}, {s.EmbeddingDimensions} dimensions");
            table.AddRow("Vector index", s.VectorIndex ?? "-");
            table.AddRow("Folders", string.Join(Environment.NewLine, info.Folders));
            console.Console.Write(table);
            return 0;
        });

        var removeName = new Argument<string>("name") { Description = "The knowledge base to delete." };
        var remove = new Command("remove", "Delete a knowledge base and its files (the documents themselves are kept).") { removeName };
        remove.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            if (!await services.GetRequiredService<KnowledgeBaseService>().RemoveAsync(parse.GetValue(removeName)!, cancellationToken).ConfigureAwait(false))
            {
                throw new CliException($"there is no knowledge base '{parse.GetValue(removeName)}'; see 'pluginai kb list'");
            }

            console.Console.MarkupLineInterpolated($"Removed knowledge base {parse.GetValue(removeName)}");
            return 0;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(stats);
        command.Subcommands.Add(remove);
        return command;
    }
}
