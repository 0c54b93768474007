using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Runtime.Models;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai models quantize</c>: a quantised copy of a model, registered beside the original.</summary>
internal static class ModelsQuantizeCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Argument<string>("model") { Description = "A registered name or a GGUF file." };
        var type = new Option<string>("--type") { Description = "The quantisation: Q4_K_M, Q5_K_M, Q8_0, Q6_K, Q4_0, F16, ...", Required = true };
        var name = new Option<string?>("--name") { Description = "The name to register the copy under (default: the original's name and the type)." };
        var threads = new Option<int>("--threads") { Description = "Threads to use (default: one per core)." };
        var json = PluginAICommand.JsonOption();
        var command = new Command("quantize", "Write a quantised copy of a GGUF model beside it with llama.cpp's quantiser, and register it.") { model, type, name, threads, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var models = services.GetRequiredService<ModelService>();
            var source = parse.GetValue(model)!;
            ModelQuantizeResult result;
            if (parse.GetValue(json))
            {
                result = await models.QuantizeAsync(source, parse.GetValue(type)!, parse.GetValue(name), parse.GetValue(threads), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                result = await console.Console.Status().StartAsync($"Quantising {Markup.Escape(source)} to {Markup.Escape(parse.GetValue(type)!)}", async context =>
                {
                    var progress = new Progress<long>(bytes => context.Status(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"Quantising {source} to {parse.GetValue(type)}: {bytes / (1024.0 * 1024):0.0} MiB written"))));
                    return await models.QuantizeAsync(source, parse.GetValue(type)!, parse.GetValue(name), parse.GetValue(threads), progress, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
            }

            ModelPlan? plan = null;
            try
            {
                plan = await models.PlanAsync(result.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (PluginException)
            {
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { result.Name, result.Path, result.Type, result.SourcePath, result.SourceBytes, result.Bytes, plan = plan?.Plan });
                return 0;
            }

            console.Console.MarkupLineInterpolated($"Wrote {result.Path}: {MiB(result.Bytes)} ({result.Type}), from {MiB(result.SourceBytes)} ({(double)result.Bytes / Math.Max(1, result.SourceBytes):P0} of the original)");
            console.Console.MarkupLineInterpolated($"Registered [bold]{result.Name}[/] -> {result.Path}");
            if (plan is not null)
            {
                console.Console.Write(PlanTable.Create($"{Path.GetFileName(plan.Path)} on {plan.Backend.Metadata.Name}", plan.Plan));
            }

            return 0;
        });
        return command;
    }

    private static string MiB(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB");
}
