using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Runtime.Models;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai models pull</c>: download, verify and register a model.</summary>
internal static class ModelsPullCommand
{
    private static readonly JsonSerializerOptions s_events = new(JsonOutput.Options) { WriteIndented = false };

    public static Command Create(CliConsole console)
    {
        var source = new Argument<string>("source") { Description = "hf:OWNER/REPO[:QUANT or FILE] (a Hugging Face-style hub), an http(s):// URL of a GGUF file, or pkg:ID[@VERSION] (a model package from a package source, verified as plugins are; --allow-unsigned as for plugins)." };
        var name = new Option<string?>("--name") { Description = "The name to register it under (default: the file name without .gguf)." };
        var endpoint = new Option<string?>("--endpoint") { Description = "The hub's base URL for hf: sources (default: $HF_ENDPOINT, else 'endpoint' in hub.json in the home, else https://huggingface.co)." };
        var sha256 = new Option<string?>("--sha256") { Description = "The SHA-256 the file must have; required for a URL source unless --no-verify." };
        var noVerify = new Option<bool>("--no-verify") { Description = "Accept a URL source without a SHA-256 to check (the GGUF header is still checked)." };
        var json = PluginAICommand.JsonOption();
        json.Description = "Write progress events and the result as JSON lines.";
        var command = new Command("pull", "Download a GGUF model, resuming an interrupted download, verify its SHA-256 and register it.") { source, name, endpoint, sha256, noVerify, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var models = services.GetRequiredService<ModelService>();
            var request = new ModelPullRequest
            {
                Source = parse.GetValue(source)!,
                Name = parse.GetValue(name),
                HubEndpoint = parse.GetValue(endpoint),
                Sha256 = parse.GetValue(sha256),
                NoVerify = parse.GetValue(noVerify),
            };

            ModelPullResult result;
            if (parse.GetValue(json))
            {
                result = await models.PullAsync(request, new SynchronousProgress(p => WriteEvent(console, new { @event = p.Stage, file = p.FileName, bytes = p.BytesReceived, total = p.TotalBytes, resumedFrom = p.ResumedFrom })), cancellationToken).ConfigureAwait(false);
                var plan = await TryPlanAsync(models, result.Name, cancellationToken).ConfigureAwait(false);
                WriteEvent(console, new
                {
                    @event = "done",
                    name = result.Name,
                    path = result.Path,
                    url = result.Url,
                    bytes = result.Bytes,
                    sha256 = result.Sha256,
                    verified = result.Verified,
                    resumedFrom = result.ResumedFrom,
                    alreadyPresent = result.AlreadyPresent,
                    choice = result.Choice,
                    publisher = result.Publisher,
                    plan = plan?.Plan,
                });
                return 0;
            }

            result = await console.Console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    ProgressTask? task = null;
                    var progress = new SynchronousProgress(p =>
                    {
                        task ??= context.AddTask(Markup.Escape(p.FileName), maxValue: Math.Max(1, p.TotalBytes));
                        if (p.Stage == "downloading" && p.ResumedFrom > 0 && task.Value == 0)
                        {
                            task.Description = Markup.Escape($"{p.FileName} (resumed at {p.ResumedFrom:N0} bytes)");
                        }

                        task.MaxValue = Math.Max(1, p.TotalBytes);
                        task.Value = p.BytesReceived;
                    });
                    return await models.PullAsync(request, progress, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);

            console.Console.MarkupLineInterpolated($"Chose {result.Choice}");
            console.Console.MarkupLineInterpolated($"{(result.AlreadyPresent ? "Already downloaded" : "Downloaded")} {result.Url}");
            var unverified = result.Url.StartsWith("pkg:", StringComparison.Ordinal) ? "[yellow]matches an unsigned or untrusted manifest (--allow-unsigned)[/]" : "[yellow]not verified (--no-verify)[/]";
            console.Console.MarkupLineInterpolated($"SHA-256 {result.Sha256} {(result.Verified ? "[green]verified[/]" : unverified)}");
            if (result.Publisher is not null)
            {
                console.Console.MarkupLineInterpolated($"Signed by {result.Publisher}");
            }

            console.Console.MarkupLineInterpolated($"Registered [bold]{result.Name}[/] -> {result.Path}");
            var modelPlan = await TryPlanAsync(models, result.Name, cancellationToken).ConfigureAwait(false);
            if (modelPlan is not null)
            {
                console.Console.Write(PlanTable.Create($"{Path.GetFileName(modelPlan.Path)} on {modelPlan.Backend.Metadata.Name}", modelPlan.Plan));
            }

            return 0;
        });
        return command;
    }

    /// <summary>The download is already registered when planning runs; a plan that cannot be made is not a failed pull.</summary>
    private static async Task<ModelPlan?> TryPlanAsync(ModelService models, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await models.PlanAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (PluginException)
        {
            return null;
        }
    }

    private static void WriteEvent<T>(CliConsole console, T value)
    {
        console.Out.WriteLine(JsonSerializer.Serialize(value, s_events));
        console.Out.Flush();
    }

    /// <summary>Reports on the downloading thread, so events are written in order and none is lost at the end.</summary>
    private sealed class SynchronousProgress(Action<ModelPullProgress> report) : IProgress<ModelPullProgress>
    {
        public void Report(ModelPullProgress value) => report(value);
    }
}
