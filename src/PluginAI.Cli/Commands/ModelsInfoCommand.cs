using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Runtime.Models;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai models info</c>: a GGUF model's header as a person needs it, and how it would run here.</summary>
internal static class ModelsInfoCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Argument<string>("model") { Description = "A registered name or a GGUF file." };
        var json = PluginAICommand.JsonOption();
        var planOptions = new PlanOptions();
        var command = new Command("info", "Show a GGUF model's architecture, parameters, quantisation, context, chat template and tokenizer, the memory it needs and how it would run here.") { model, json };
        planOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var info = await services.GetRequiredService<ModelService>().InfoAsync(parse.GetValue(model)!, planOptions.Read(parse), cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, info);
                return 0;
            }

            var table = new Table().RoundedBorder().Title($"[bold]{Markup.Escape(Path.GetFileName(info.Path))}[/]").HideHeaders();
            table.AddColumn("Field");
            table.AddColumn("Value");
            void Row(string field, string? value) => table.AddRow(new Text(field), new Text(value ?? "-"));
            Row("Name", info.Name);
            Row("Architecture", info.Architecture);
            Row("Parameters", Parameters(info.Parameters));
            Row("Quantisation", info.Quantization);
            Row("Context length", info.ContextLength?.ToString(CultureInfo.InvariantCulture));
            Row("Layers", info.Layers?.ToString(CultureInfo.InvariantCulture));
            Row("Chat template", info.HasChatTemplate ? "yes" : "no (prompts are sent as plain text)");
            Row("Tokenizer", info.Tokenizer is null ? null : $"{info.Tokenizer}{(info.Tokenizer == "llama" ? " (SentencePiece)" : info.Tokenizer == "gpt2" ? " (BPE)" : string.Empty)}, {info.VocabularySize?.ToString("N0", CultureInfo.InvariantCulture)} tokens");
            Row("File", string.Create(CultureInfo.InvariantCulture, $"{info.Path} ({info.FileBytes / (1024.0 * 1024):0.0} MiB, GGUF v{info.GgufVersion})"));
            Row("Backend", info.Backend);
            console.Console.Write(table);
            console.Console.Write(PlanTable.Create("How it would run here", info.Plan));
            return 0;
        });
        return command;
    }

    private static string Parameters(long count) => count switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{count / 1e9:0.0}B ({count:N0})"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{count / 1e6:0.0}M ({count:N0})"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{count / 1e3:0.0}K ({count:N0})"),
        _ => count.ToString(CultureInfo.InvariantCulture),
    };
}
