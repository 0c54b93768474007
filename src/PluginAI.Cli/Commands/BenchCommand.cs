using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PluginAI.Cli.Bench;
using PluginAI.Runtime.Chat;
using PluginAI.Server;
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
        var serverOverhead = new Option<bool>("--server-overhead") { Description = "Also serve the same loaded model from an in-process server on loopback and measure it over HTTP, level by level, to show what the server adds." };
        var postprocessorCost = new Option<bool>("--postprocessor-cost") { Description = "In process, one client: requests with and without the postprocessor plugins in alternating order, to show what the chain costs per streamed token." };
        var json = PluginAICommand.JsonOption();
        var plan = new PlanOptions();
        var command = new Command("bench", "Measure serving on this machine: time to first token (p50, p99), sustained requests/s, aggregate and per-client tokens/s, peak memory and energy per token, at several concurrency levels.")
        {
            model, url, apiKey, clients, requests, maxTokens, prompt, temperature, raw, serverOverhead, postprocessorCost, json,
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

            if (parse.GetValue(serverOverhead))
            {
                return await CompareWithServerAsync(console, parse, plan, parse.GetValue(model), levels, perClient, tokens, parse.GetValue(prompt)!, parse.GetValue(temperature), parse.GetValue(raw), parse.GetValue(json), cancellationToken).ConfigureAwait(false);
            }

            await using var services = CliServices.Create(parse);
            if (parse.GetValue(postprocessorCost))
            {
                return await ComparePostprocessorsAsync(console, services, parse.GetValue(model), plan.Read(parse), Math.Max(perClient, 2) * 5, tokens, parse.GetValue(prompt)!, parse.GetValue(temperature), parse.GetValue(json), cancellationToken).ConfigureAwait(false);
            }

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

    private static async Task<int> ComparePostprocessorsAsync(CliConsole console, IServiceProvider services, string? model, PluginAI.Host.Planning.PlanOverrides? plan, int pairs, int tokens, string prompt, float? temperature, bool asJson, CancellationToken cancellationToken)
    {
        var chat = services.GetRequiredService<ChatService>();
        await using var raw = new InProcessTarget(await chat.OpenAsync(new ChatSessionOptions { Model = model, Raw = true, Plan = plan }, cancellationToken).ConfigureAwait(false), temperature);
        await using var processed = new InProcessTarget(await chat.OpenAsync(new ChatSessionOptions { Model = model, Plan = plan }, cancellationToken).ConfigureAwait(false), temperature);
        await raw.RunAsync(prompt, Math.Min(tokens, 8), cancellationToken).ConfigureAwait(false);
        await processed.RunAsync(prompt, Math.Min(tokens, 8), cancellationToken).ConfigureAwait(false);

        var ratios = new List<double>(pairs);
        var extra = new List<double>(pairs);
        var rawRates = new List<double>(pairs);
        var processedRates = new List<double>(pairs);
        for (var i = 0; i < pairs; i++)
        {
            var rawFirst = i % 2 == 0;
            var a = await (rawFirst ? raw : processed).RunAsync(prompt, tokens, cancellationToken).ConfigureAwait(false);
            var b = await (rawFirst ? processed : raw).RunAsync(prompt, tokens, cancellationToken).ConfigureAwait(false);
            var (plain, chained) = rawFirst ? (a, b) : (b, a);
            if (plain.Tokens == 0 || chained.Tokens == 0)
            {
                throw new CliException($"A request generated no tokens (without postprocessors {plain.Tokens}, with {chained.Tokens}); use a prompt the model continues");
            }

            var plainSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(plain.Started, plain.Ended).TotalSeconds;
            var chainedSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(chained.Started, chained.Ended).TotalSeconds;
            rawRates.Add(plain.Tokens / plainSeconds);
            processedRates.Add(chained.Tokens / chainedSeconds);
            ratios.Add(processedRates[^1] / rawRates[^1]);
            extra.Add(((chainedSeconds / chained.Tokens) - (plainSeconds / plain.Tokens)) * 1_000_000);
        }

        var result = new
        {
            model = model ?? "default",
            pairs,
            maxTokens = tokens,
            postprocessors = processed.Postprocessors,
            tokensPerSecondWithout = Median(rawRates),
            tokensPerSecondWith = Median(processedRates),
            ratioMedian = Median(ratios),
            ratioMin = ratios.Min(),
            ratioMax = ratios.Max(),
            extraMicrosecondsPerTokenMedian = Median(extra),
        };
        if (asJson)
        {
            JsonOutput.Write(console.Out, result);
            return 0;
        }

        var table = new Table().RoundedBorder().Title($"[bold]Postprocessor chain[/] ({Markup.Escape(string.Join(", ", result.postprocessors))}), {pairs} alternating pairs, up to {tokens} tokens");
        table.AddColumn("Without");
        table.AddColumn("With");
        table.AddColumn("Ratio with/without (min to max)");
        table.AddColumn("Added per token");
        table.AddRow(
            $"{result.tokensPerSecondWithout:F0} tok/s",
            $"{result.tokensPerSecondWith:F0} tok/s",
            $"{result.ratioMedian:F3} ({result.ratioMin:F3} to {result.ratioMax:F3})",
            $"{result.extraMicrosecondsPerTokenMedian:F1} µs");
        console.Console.Write(table);
        return 0;

        static double Median(List<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }
    }

    private static async Task<int> CompareWithServerAsync(CliConsole console, ParseResult parse, PlanOptions plan, string? model, int[] levels, int perClient, int tokens, string prompt, float? temperature, bool raw, bool asJson, CancellationToken cancellationToken)
    {
        if (model is null)
        {
            throw new CliException("--server-overhead needs --model: the registered name the server is asked for");
        }

        var options = new PluginAIServerOptions { Plan = plan.Read(parse) };
        options.Urls.Add("http://127.0.0.1:0");
        await using var server = await PluginAIServer.StartAsync(options, services => CliServices.Configure(services, parse, LogLevel.Warning), cancellationToken).ConfigureAwait(false);
        var session = await server.Services.GetRequiredService<ChatService>().OpenAsync(new ChatSessionOptions { Model = model, Raw = raw, Plan = options.Plan }, cancellationToken).ConfigureAwait(false);
        await using var local = new InProcessTarget(session, temperature);
        await using var http = new HttpTarget(server.BaseAddress, model, null, temperature);
        await local.RunAsync(prompt, Math.Min(tokens, 8), cancellationToken).ConfigureAwait(false);
        await http.RunAsync(prompt, Math.Min(tokens, 8), cancellationToken).ConfigureAwait(false);

        // Level by level, in process then over HTTP, so that both see the same machine at nearly the same time.
        var inProcess = new List<BenchLevel>();
        var served = new List<BenchLevel>();
        foreach (var level in levels)
        {
            inProcess.Add(await BenchRunner.RunAsync(local, level, perClient, prompt, tokens, () => { }, cancellationToken).ConfigureAwait(false));
            served.Add(await BenchRunner.RunAsync(http, level, perClient, prompt, tokens, () => { }, cancellationToken).ConfigureAwait(false));
        }

        var overhead = inProcess.Zip(served, (a, b) => new { clients = a.Clients, timeToFirstTokenP50Ms = b.TimeToFirstTokenP50Ms - a.TimeToFirstTokenP50Ms, tokensPerSecondRatio = a.TokensPerSecond > 0 ? b.TokensPerSecond / a.TokensPerSecond : 0 }).ToList();

        // The levels' p50s come from different requests seconds apart; the added first-token time is read from pairs
        // instead: one request in process and one over HTTP back to back, the order alternating, one client.
        var pairs = Math.Max(10, perClient * 5);
        var added = new List<double>(pairs);
        for (var i = 0; i < pairs; i++)
        {
            var httpFirst = i % 2 == 1;
            var a = await (httpFirst ? http : (IBenchTarget)local).RunAsync(prompt, 1, cancellationToken).ConfigureAwait(false);
            var b = await (httpFirst ? local : (IBenchTarget)http).RunAsync(prompt, 1, cancellationToken).ConfigureAwait(false);
            var (viaServer, direct) = httpFirst ? (a, b) : (b, a);
            added.Add(FirstTokenMs(viaServer) - FirstTokenMs(direct));
        }

        added.Sort();
        var paired = new { pairs, addedTimeToFirstTokenP50Ms = added[added.Count / 2], addedTimeToFirstTokenP90Ms = added[(int)(added.Count * 0.9)] };
        if (asJson)
        {
            JsonOutput.Write(console.Out, new { model, maxTokens = tokens, requestsPerClient = perClient, inProcess, server = served, overhead, paired });
            return 0;
        }

        console.Console.Write(Render($"{model} in this process", tokens, inProcess));
        console.Console.Write(Render($"{model} through the server on loopback", tokens, served));
        foreach (var o in overhead)
        {
            console.Console.MarkupLine($"{o.clients} client(s): p50 time to first token {o.timeToFirstTokenP50Ms:+0.00;-0.00} ms through the server; tokens/s through it: {o.tokensPerSecondRatio:F2}x in process");
        }

        console.Console.MarkupLine($"Paired, one client, {pairs} pairs in alternating order: the server adds [bold]{paired.addedTimeToFirstTokenP50Ms:F2} ms[/] to time to first token at p50 ({paired.addedTimeToFirstTokenP90Ms:F2} ms at p90).");
        return 0;

        static double FirstTokenMs(BenchSample sample) => System.Diagnostics.Stopwatch.GetElapsedTime(sample.Started, sample.FirstToken).TotalMilliseconds;
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
