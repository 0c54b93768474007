using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Cli.Bench;
using PluginAI.Runtime.Chat;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai bench</c>: time to first token, sustained requests/s, tokens/s, memory and energy at 1, 4 and 8 concurrent clients.</summary>
internal static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Option<string?>("--model", "-m") { Description = "A GGUF file or registered name (in process), or the model id to ask the server for with --url. Default: the model registered as 'default'." };
        var url = new Option<string?>("--url") { Description = "Measure an OpenAI-compatible server at this address (such as http://127.0.0.1:8080) instead of a model in this process." };
        var apiKey = new Option<string?>("--api-key") { Description = $"The server's API key (also ${ServeCommand.ApiKeysVariable}, first key)." };
        var clients = new Option<int[]>("--clients") { Description = "Concurrency levels to measure.", DefaultValueFactory = _ => [1, 4, 8], AllowMultipleArgumentsPerToken = true };
        var requests = new Option<int>("--requests") { Description = "Requests each client sends, one after another, at each level.", DefaultValueFactory = _ => 4 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Tokens each request generates at most.", DefaultValueFactory = _ => 128 };
        var prompt = new Option<string>("--prompt") { Description = "The prompt every request sends.", DefaultValueFactory = _ => "Once upon a time" };
        var temperature = new Option<float?>("--temperature") { Description = "Sampling temperature (default: the backend's)." };
        var raw = new Option<bool>("--raw") { Description = "In process: skip the postprocessor plugins." };
        var json = PluginAICommand.JsonOption();
        var plan = new PlanOptions();
        var command = new Command("bench", "Measure serving on this machine: time to first token (p50, p99), sustained requests/s, aggregate and per-client tokens/s, peak memory and energy per token, at several concurrency levels.")
        {
            model, url, apiKey, clients, requests, maxTokens, prompt, temperature, raw, json,
        };
        plan.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var levels = parse.GetValue(clients) ?? [1, 4, 8];
            if (levels.Length == 0 || levels.Any(c => c is < 1 or > 256))
            {
                throw new CliException($"--clients must list concurrency levels from 1 to 256; got {string.Join(' ', levels)}");
            }

            var perClient = parse.GetValue(requests);
            var tokens = parse.GetValue(maxTokens);
            if (perClient < 1 || tokens < 1)
            {
                throw new CliException($"--requests and --max-tokens must be at least 1; got {perClient} and {tokens}");
            }

            await using var services = CliServices.Create(parse);
            IBenchTarget target;
            if (parse.GetValue(url) is { } given)
            {
                if (!Uri.TryCreate(given.EndsWith('/') ? given : given + "/", UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
                {
                    throw new CliException($"--url: '{given}' is not a server address; expected such as http://127.0.0.1:8080");
                }

                var key = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable(ServeCommand.ApiKeysVariable)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
                target = new HttpTarget(address, parse.GetValue(model) ?? "default", key, parse.GetValue(temperature));
            }
            else
            {
                var session = await services.GetRequiredService<ChatService>().OpenAsync(new ChatSessionOptions { Model = parse.GetValue(model), Raw = parse.GetValue(raw), Plan = plan.Read(parse) }, cancellationToken).ConfigureAwait(false);
                target = new InProcessTarget(session, parse.GetValue(temperature));
            }

            await using (target.ConfigureAwait(false))
            {
                var text = parse.GetValue(prompt)!;
                var asJson = parse.GetValue(json);

                // One request first, so that loading and first-call costs are not counted in the first level.
                await target.RunAsync(text, Math.Min(tokens, 8), cancellationToken).ConfigureAwait(false);
                var results = new List<BenchLevel>();
                if (asJson)
                {
                    foreach (var level in levels)
                    {
                        results.Add(await BenchRunner.RunAsync(target, level, perClient, text, tokens, () => { }, cancellationToken).ConfigureAwait(false));
                    }

                    JsonOutput.Write(console.Out, new { target = target.Description, maxTokens = tokens, requestsPerClient = perClient, levels = results });
                    return 0;
                }

                await console.Console.Progress().StartAsync(async progress =>
                {
                    foreach (var level in levels)
                    {
                        var task = progress.AddTask($"{level} client{(level == 1 ? string.Empty : "s")}", maxValue: level * perClient);
                        results.Add(await BenchRunner.RunAsync(target, level, perClient, text, tokens, () => task.Increment(1), cancellationToken).ConfigureAwait(false));
                    }
                }).ConfigureAwait(false);
                console.Console.Write(Render(target.Description, tokens, results));
                if (results.Select(r => r.EnergyNotMeasurable).FirstOrDefault(r => r is not null) is { } why)
                {
                    console.Console.MarkupLine($"[grey]Energy per token: not measurable here ({Markup.Escape(why)}).[/]");
                }
            }

            return 0;
        });
        return command;
    }

    private static Table Render(string target, int maxTokens, List<BenchLevel> results)
    {
        var table = new Table().RoundedBorder().Title($"[bold]{Markup.Escape(target)}[/], up to {maxTokens} tokens a request");
        foreach (var column in new[] { "Clients", "Requests", "TTFT p50", "TTFT p99", "Requests/s", "Tokens/s", "vs 1 client", "Tokens/s per client", "Peak memory", "Energy/token" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        var single = results.FirstOrDefault(r => r.Clients == 1)?.TokensPerSecond;
        foreach (var r in results)
        {
            table.AddRow(
                r.Clients.ToString(CultureInfo.InvariantCulture),
                r.Requests.ToString(CultureInfo.InvariantCulture),
                $"{r.TimeToFirstTokenP50Ms:F1} ms",
                $"{r.TimeToFirstTokenP99Ms:F1} ms",
                $"{r.RequestsPerSecond:F2}",
                $"{r.TokensPerSecond:F0}",
                single is > 0 ? $"{r.TokensPerSecond / single.Value:F2}x" : "-",
                $"{r.TokensPerSecondPerClient:F0}",
                r.PeakMemoryBytes is { } peak ? $"{peak / (1024.0 * 1024):F0} MiB" : "see the server's /metrics",
                r.JoulesPerToken is { } j ? $"{j * 1000:F2} mJ" : "not measurable here");
        }

        return table;
    }
}
