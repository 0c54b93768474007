using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PluginAI.Server;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai serve</c>: the OpenAI-compatible server.</summary>
internal static class ServeCommand
{
    public const string ApiKeysVariable = "PLUGINAI_API_KEYS";

    public static Command Create(CliConsole console)
    {
        var urls = new Option<string[]>("--urls") { Description = $"Addresses to listen on. Default: {PluginAIServerOptions.DefaultUrl} (this machine only); anything else needs an API key.", AllowMultipleArgumentsPerToken = true };
        var apiKeys = new Option<string[]>("--api-key") { Description = $"An API key callers send as 'Authorization: Bearer KEY' (repeatable; also ${ApiKeysVariable}, comma-separated, or --api-key-file). A key given here is visible to other users of this machine in the process list: prefer --api-key-file or the variable." };
        var apiKeyFile = new Option<FileInfo?>("--api-key-file") { Description = "A file of API keys, one a line ('#' starts a comment); keep it readable by you alone." };
        var cors = new Option<string[]>("--cors-origin") { Description = "An origin browsers may call the API from, such as http://localhost:3000 (repeatable). Default: none (CORS off).", AllowMultipleArgumentsPerToken = true };
        var maxTokens = new Option<int>("--max-tokens") { Description = "The most tokens one request may generate; also the default when a request names none.", DefaultValueFactory = _ => 2048 };
        var maxBody = new Option<long>("--max-request-bytes") { Description = "The largest JSON request body accepted.", DefaultValueFactory = _ => 4 * 1024 * 1024 };
        var maxUpload = new Option<long>("--max-upload-bytes") { Description = "The largest document upload accepted.", DefaultValueFactory = _ => 256L * 1024 * 1024 };
        var json = PluginAICommand.JsonOption();
        var cluster = ClusterCommand.ClusterOption();
        cluster.Description = "Answer chat and completion requests for the whole cluster through this gateway (HOST:PORT or redis://HOST:PORT): each goes to a node with the model loaded and the fewest requests in progress, or loads it on the least busy node that has it.";
        var secretFile = ClusterCommand.SecretFileOption();
        var plan = new PlanOptions();
        var command = new Command("serve", "Serve the OpenAI-compatible API (chat completions, completions, embeddings, models, knowledge bases as kb:NAME), /health and /metrics.")
        {
            urls, apiKeys, apiKeyFile, cors, maxTokens, maxBody, maxUpload, json, cluster, secretFile,
        };
        plan.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new PluginAIServerOptions
            {
                Plan = plan.Read(parse),
                MaxTokens = parse.GetValue(maxTokens),
                MaxRequestBodyBytes = parse.GetValue(maxBody),
                MaxUploadBytes = parse.GetValue(maxUpload),
                LogRequests = parse.GetValue(PluginAICommand.VerboseOption),
            };
            foreach (var url in parse.GetValue(urls) ?? [])
            {
                options.Urls.Add(url);
            }

            foreach (var key in ApiKeyFile.Collect(parse.GetValue(apiKeys), ApiKeysVariable, parse.GetValue(apiKeyFile)))
            {
                options.ApiKeys.Add(key);
            }

            foreach (var origin in parse.GetValue(cors) ?? [])
            {
                options.CorsOrigins.Add(origin);
            }

            using var clusterClient = parse.GetValue(cluster) is { } gateway
                ? await ClusterCommand.ConnectAsync(gateway, ClusterCommand.ReadSecret(parse.GetValue(secretFile)), cancellationToken).ConfigureAwait(false)
                : null;
            PluginAIServerHandle server;
            try
            {
                server = await PluginAIServer.StartAsync(
                    options,
                    services =>
                    {
                        CliServices.Configure(services, parse, LogLevel.Warning);
                        if (clusterClient is not null)
                        {
                            services.AddSingleton<IRemoteChat>(new ClusterRemoteChat(clusterClient.Services.GetRequiredService<PluginAI.Cluster.ClusterGateway>(), parse.GetValue(cluster)!));
                        }
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (PluginAIServerException ex)
            {
                throw new CliException(ex.Message);
            }

            await using (server.ConfigureAwait(false))
            {
                if (parse.GetValue(json))
                {
                    JsonOutput.Write(console.Out, new { addresses = server.Addresses, apiKeys = options.ApiKeys.Count, cors = options.CorsOrigins, maxTokens = options.MaxTokens });
                }
                else
                {
                    var table = new Table().RoundedBorder().Title("[bold]PluginAI server[/]").HideHeaders();
                    table.AddColumn("What");
                    table.AddColumn("Value");
                    table.AddRow("OpenAI API", Markup.Escape(string.Join(", ", server.Addresses.Select(a => new Uri(a, "v1").ToString()))));
                    table.AddRow("Health, metrics", Markup.Escape($"{new Uri(server.BaseAddress, "health")}, {new Uri(server.BaseAddress, "metrics")}"));
                    table.AddRow("API keys", options.ApiKeys.Count > 0 ? $"{options.ApiKeys.Count} (Authorization: Bearer KEY)" : "none: this machine only");
                    table.AddRow("CORS", options.CorsOrigins.Count > 0 ? Markup.Escape(string.Join(", ", options.CorsOrigins)) : "off");
                    table.AddRow("Models", clusterClient is null ? "registered names ('pluginai models list'), all-minilm-l6-v2, kb:NAME" : Markup.Escape($"the chat models of the cluster at {parse.GetValue(cluster)}, all-minilm-l6-v2, kb:NAME (this machine's)"));
                    console.Console.Write(table);
                    console.Console.MarkupLine("Press Ctrl+C to stop.");
                }

                try
                {
                    await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                }

                await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
