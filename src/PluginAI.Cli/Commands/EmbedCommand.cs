using System.CommandLine;
using System.Globalization;
using PluginAI.Backends;
using PluginAI.Host.Models;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai embed</c>: prints the embedding of a text.</summary>
internal static class EmbedCommand
{
    public static Command Create(CliConsole console)
    {
        var texts = new Argument<string[]>("text") { Description = "The text(s) to embed.", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string>("--model", "-m") { Description = "An embedding model: a registered name, an .onnx file with vocab.txt, or a GGUF file.", DefaultValueFactory = _ => ModelLoader.DefaultEmbeddingModel };
        var json = PluginAICommand.JsonOption();
        var plan = new PlanOptions();
        var command = new Command("embed", $"Print the embedding vector of a text (default model: {ModelLoader.DefaultEmbeddingModel}, built in).") { texts, model, json };
        plan.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var host = await HostFactory.StartAsync(parse, cancellationToken).ConfigureAwait(false);
            await using var session = await ModelLoader.LoadAsync(host, parse.GetValue(model)!, ModelCapabilities.Embeddings, plan.Read(parse), cancellationToken).ConfigureAwait(false);
            var inputs = parse.GetValue(texts)!;
            var embeddings = await session.Model.EmbeddingGenerator!.GenerateAsync(inputs, cancellationToken: cancellationToken).ConfigureAwait(false);
            var device = session.Model.Metadata.Plan?.Device ?? session.Plan.Device;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new
                {
                    model = session.Model.Metadata.ModelId,
                    dimensions = session.Model.Metadata.EmbeddingDimensions,
                    device,
                    embeddings = inputs.Zip(embeddings).Select(pair => new { text = pair.First, vector = pair.Second.Vector.ToArray() }),
                });
                return 0;
            }

            for (var i = 0; i < inputs.Length; i++)
            {
                var vector = embeddings[i].Vector.ToArray();
                console.Console.MarkupLineInterpolated($"[bold]{inputs[i]}[/]  [grey]{session.Model.Metadata.ModelId}, {vector.Length} dimensions, {device}[/]");
                console.Out.WriteLine("[" + string.Join(", ", vector.Select(v => v.ToString("0.000000", CultureInfo.InvariantCulture))) + "]");
            }

            return 0;
        });
        return command;
    }
}
