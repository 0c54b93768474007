using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Runtime.Chat;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai run</c>: streams a model's answer to a prompt.</summary>
internal static class RunCommand
{
    public static Command Create(CliConsole console)
    {
        var prompt = new Argument<string>("prompt") { Description = "What to ask the model." };
        var model = new Option<string>("--model", "-m") { Description = "A GGUF file or a name registered with 'pluginai models add'.", Required = true };
        var system = new Option<string?>("--system") { Description = "A system message." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "The most tokens to generate.", DefaultValueFactory = _ => 256 };
        var temperature = new Option<float?>("--temperature") { Description = "Sampling temperature; 0 picks the likeliest token." };
        var topP = new Option<float?>("--top-p") { Description = "Nucleus sampling: keep the likeliest tokens up to this probability mass." };
        var topK = new Option<int?>("--top-k") { Description = "Keep only the K likeliest tokens." };
        var seed = new Option<long?>("--seed") { Description = "Random seed, for reproducible answers." };
        var stop = new Option<string[]>("--stop") { Description = "Stop when this text is generated (repeatable).", AllowMultipleArgumentsPerToken = false };
        var raw = new Option<bool>("--raw") { Description = "Skip the postprocessor plugins (redaction and others)." };
        var json = PluginAICommand.JsonOption();
        var plan = new PlanOptions();
        var command = new Command("run", "Stream a model's answer to a prompt.") { prompt, model, system, maxTokens, temperature, topP, topK, seed, stop, raw, json };
        plan.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var asJson = parse.GetValue(json);
            var watch = Stopwatch.StartNew();
            await using var session = await services.GetRequiredService<ChatService>().OpenAsync(new ChatSessionOptions { Model = parse.GetValue(model)!, Raw = parse.GetValue(raw), Plan = plan.Read(parse) }, cancellationToken).ConfigureAwait(false);
            var loadTime = watch.Elapsed;
            var messages = new List<ChatMessage>();
            if (parse.GetValue(system) is { } systemText)
            {
                messages.Add(new ChatMessage(ChatRole.System, systemText));
            }

            messages.Add(new ChatMessage(ChatRole.User, parse.GetValue(prompt)!));
            var options = new ChatOptions
            {
                MaxOutputTokens = parse.GetValue(maxTokens),
                Temperature = parse.GetValue(temperature),
                TopP = parse.GetValue(topP),
                TopK = parse.GetValue(topK),
                Seed = parse.GetValue(seed),
                StopSequences = parse.GetValue(stop) is { Length: > 0 } stops ? [.. stops] : null,
            };

            var text = new StringBuilder();
            UsageDetails? usage = null;
            ChatFinishReason? finish = null;
            watch.Restart();
            var turn = session.Stream(messages, options, cancellationToken);
            await foreach (var update in turn.Updates.ConfigureAwait(false))
            {
                text.Append(update.Text);
                finish = update.FinishReason ?? finish;
                usage = update.Contents.OfType<UsageContent>().LastOrDefault()?.Details ?? usage;
                if (!asJson && !string.IsNullOrEmpty(update.Text))
                {
                    console.Out.Write(update.Text);
                    console.Out.Flush();
                }
            }

            var seconds = watch.Elapsed.TotalSeconds;
            var rate = usage?.OutputTokenCount is { } generated && seconds > 0 ? generated / seconds : (double?)null;
            if (asJson)
            {
                JsonOutput.Write(console.Out, new
                {
                    model = session.Lease.Model.Metadata.ModelId,
                    path = session.Lease.Path,
                    text = text.ToString(),
                    finishReason = finish?.Value,
                    usage = usage is null ? null : new { inputTokens = usage.InputTokenCount, outputTokens = usage.OutputTokenCount },
                    tokensPerSecond = rate,
                    loadSeconds = loadTime.TotalSeconds,
                    plan = session.Lease.Model.Metadata.Plan ?? session.Lease.Plan,
                    findings = turn.Findings,
                });
                return 0;
            }

            console.Out.WriteLine();
            var summary = string.Create(CultureInfo.InvariantCulture, $"{usage?.OutputTokenCount ?? 0} tokens in {seconds:0.00} s{(rate is { } r ? $" ({r:0.0} tokens/s)" : string.Empty)}, {session.Lease.Plan.Device}, {session.Lease.Plan.Threads} threads, {session.Lease.Plan.GpuLayers} GPU layers, context {session.Lease.Plan.ContextSize}, loaded in {loadTime.TotalSeconds:0.00} s");
            console.Console.MarkupLineInterpolated($"[grey]{summary}[/]");
            foreach (var finding in turn.Findings)
            {
                console.Console.MarkupLineInterpolated($"[grey]{finding.Postprocessor}: {finding.Message}[/]");
            }

            return 0;
        });
        return command;
    }
}
