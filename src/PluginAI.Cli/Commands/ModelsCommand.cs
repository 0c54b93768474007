using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Runtime;
using PluginAI.Runtime.Models;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai models</c>: names for model files.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("models", "Register, download and inspect models.");

        var name = new Argument<string>("name") { Description = "The name to use in --model." };
        var path = new Argument<FileInfo>("path") { Description = "The model file (.gguf, or .onnx with vocab.txt beside it)." };
        var addJson = PluginAICommand.JsonOption();
        var add = new Command("add", "Register a model file under a name.") { name, path, addJson };
        add.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var model = services.GetRequiredService<ModelService>().Add(parse.GetValue(name)!, parse.GetValue(path)!.FullName);
            if (parse.GetValue(addJson))
            {
                JsonOutput.Write(console.Out, model);
            }
            else
            {
                console.Console.MarkupLineInterpolated($"Registered [bold]{model.Name}[/] -> {model.Path}");
            }

            return 0;
        });

        var listJson = PluginAICommand.JsonOption();
        var list = new Command("list", "List registered models.") { listJson };
        list.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var models = services.GetRequiredService<ModelService>().List();
            if (parse.GetValue(listJson))
            {
                JsonOutput.Write(console.Out, models.Select(m => new { m.Name, m.Path, m.AddedAt, exists = File.Exists(m.Path) }));
                return 0;
            }

            var table = new Table().RoundedBorder().Title("[bold]Models[/]");
            table.AddColumn("Name");
            table.AddColumn("Path");
            table.AddColumn("Size");
            foreach (var m in models)
            {
                var info = new FileInfo(m.Path);
                table.AddRow(new Text(m.Name), new Text(m.Path), new Markup(info.Exists ? $"{info.Length / (1024.0 * 1024):0.0} MiB" : "[red]missing[/]"));
            }

            table.AddRow(new Text(PluginAIOptions.BuiltInEmbeddingModel), new Text("(built in, ONNX embeddings)"), new Text("87 MiB"));
            console.Console.Write(table);
            return 0;
        });

        var removeName = new Argument<string>("name") { Description = "The registered name." };
        var remove = new Command("remove", "Forget a registered name (the file is kept).") { removeName };
        remove.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            if (!services.GetRequiredService<ModelService>().Remove(parse.GetValue(removeName)!))
            {
                throw new CliException($"no model is registered as '{parse.GetValue(removeName)}'; see 'pluginai models list'");
            }

            console.Console.MarkupLineInterpolated($"Removed {parse.GetValue(removeName)}");
            return 0;
        });

        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(remove);
        command.Subcommands.Add(ModelsPullCommand.Create(console));
        command.Subcommands.Add(ModelsPackCommand.Create(console));
        command.Subcommands.Add(ModelsInfoCommand.Create(console));
        command.Subcommands.Add(ModelsQuantizeCommand.Create(console));
        return command;
    }
}
