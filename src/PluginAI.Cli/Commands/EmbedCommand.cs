using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Runtime;
using PluginAI.Runtime.Models;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai embed</c>: prints the embedding of a text.</summary>
internal static class EmbedCommand
{
    public static Command Create(CliConsole console)
    {
        var texts = new Argument<string[]>("text") { Description = "The text(s) to embed.", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string>("--model", "-m") { Description = "An embedding model: a registered name, an .onnx file with vocab.txt, or a GGUF file.", DefaultValueFactory = _ => PluginAIOptions.BuiltInEmbeddingModel };
        var json = PluginAICommand.JsonOption();
        var plan = new PlanOptions();
        var command = new Command("embed", $"Print the embedding vector of a text (default model: {PluginAIOptions.BuiltInEmbeddingModel}, built in).") { texts, model, json };
        plan.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var inputs = parse.GetValue(texts)!;
            var result = await services.GetRequiredService<EmbeddingService>().EmbedAsync(inputs, parse.GetValue(model)!, plan.Read(parse), cancellationToken).ConfigureAwait(false);
            var device = result.Device;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new
                {
                    model = result.ModelId,
                    dimensions = result.Dimensions,
                    device,
                    embeddings = inputs.Zip(result.Vectors).Select(pair => new { text = pair.First, vector = pair.Second.ToArray() }),
                });
                return 0;
            }

            for (var i = 0; i < inputs.Length; i++)
            {
                var vector = result.Vectors[i].ToArray();
                console.Console.MarkupLineInterpolated($"[bold]{inputs[i]}[/]  [grey]{result.ModelId}, {vector.Length} dimensions, {device}[/]");
                console.Out.WriteLine("[" + string.Join(", ", vector.Select(v => v.ToString("0.000000", CultureInfo.InvariantCulture))) + "]");
            }

            return 0;
        });
        return command;
    }
}
