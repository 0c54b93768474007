using System.CommandLine;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PluginAI.Cluster;
using PluginAI.Runtime.Ingestion;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai cluster</c>: run a node of a PluginAI cluster, and show the cluster's nodes.</summary>
internal static class ClusterCommand
{
    private const int MaxSecretBytes = 4096;

    public static Option<string?> ClusterOption() => new("--cluster")
    {
        Description = "A cluster gateway, HOST:PORT (a node's --gateway-port), or the cluster's Redis membership, redis://HOST:PORT.",
    };

    public static Option<FileInfo?> SecretFileOption() => new("--secret-file")
    {
        Description = "A file holding the shared cluster secret (also $PLUGINAI_CLUSTER_SECRET). Every node and client of a cluster must use the same one.",
    };

    public static Command Create(CliConsole console)
    {
        var command = new Command("cluster", "Run a node of a PluginAI cluster on Microsoft Orleans, and show the cluster's nodes.");
        command.Subcommands.Add(CreateNode(console));
        command.Subcommands.Add(CreateStatus(console));
        return command;
    }

    private static Command CreateNode(CliConsole console)
    {
        var name = new Option<string?>("--name") { Description = "The node's name, unique in the cluster. Default: this machine's name and the silo port." };
        var clustering = new Option<string>("--clustering")
        {
            Description = "Membership: 'dev' (the node without --primary keeps it in memory; for a lab) or redis://HOST:PORT (production).",
            DefaultValueFactory = _ => "dev",
        };
        var primary = new Option<string?>("--primary") { Description = "With --clustering dev: the primary node's HOST:SILO-PORT. Leave out on the primary itself." };
        var siloPort = new Option<int>("--silo-port") { Description = "The port other nodes reach this one on.", DefaultValueFactory = _ => 11111 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "The port clients (--cluster) reach this node on.", DefaultValueFactory = _ => 30000 };
        var listen = new Option<string>("--listen") { Description = "The address to listen on and advertise. Default: loopback; another address needs --secret-file.", DefaultValueFactory = _ => "127.0.0.1" };
        var shards = new Option<int>("--shards") { Description = "Shards per knowledge base; the same on every node.", DefaultValueFactory = _ => 16 };
        var replicas = new Option<int>("--replicas") { Description = "How many nodes store each document.", DefaultValueFactory = _ => 2 };
        var secretFile = SecretFileOption();
        var json = PluginAICommand.JsonOption();
        json.Description = "Write the node's endpoints as one JSON line once it has joined.";
        var command = new Command("node", "Run a cluster node: an Orleans silo with this home's plugins, model pool and services, until stopped.")
        {
            name, clustering, primary, siloPort, gatewayPort, listen, shards, replicas, secretFile, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!IPAddress.TryParse(parse.GetValue(listen), out var address))
            {
                throw new CliException($"--listen '{parse.GetValue(listen)}' is not an IP address");
            }

            var secret = ReadSecret(parse.GetValue(secretFile));
            if (!IPAddress.IsLoopback(address) && secret is null)
            {
                throw new CliException($"--listen {address} reaches beyond this machine: give the cluster a secret with --secret-file (or $PLUGINAI_CLUSTER_SECRET)");
            }

            var settings = new ClusterNodeSettings
            {
                Name = parse.GetValue(name) ?? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{parse.GetValue(siloPort)}"),
                Clustering = parse.GetValue(clustering)!,
                Primary = parse.GetValue(primary),
                Listen = address,
                SiloPort = parse.GetValue(siloPort),
                GatewayPort = parse.GetValue(gatewayPort),
                Secret = secret,
            };
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
            CliServices.Configure(builder.Services, parse, LogLevel.Warning);
            builder.Logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
            try
            {
                builder.UseOrleans(silo => silo.UsePluginAINode(settings, o =>
                {
                    o.Shards = parse.GetValue(shards);
                    o.ReplicationFactor = parse.GetValue(replicas);
                }));
            }
            catch (ArgumentException exception)
            {
                throw new CliException(exception.Message);
            }

            using var host = builder.Build();
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { name = settings.Name, silo = $"{address}:{settings.SiloPort}", gateway = $"{address}:{settings.GatewayPort}", clustering = settings.Clustering, state = "joined" }));
                console.Out.Flush();
            }
            else
            {
                var table = new Table().RoundedBorder().Title($"[bold]Cluster node {Markup.Escape(settings.Name)}[/]").HideHeaders();
                table.AddColumn("What");
                table.AddColumn("Value");
                table.AddRow("Silo (nodes)", $"{address}:{settings.SiloPort}");
                table.AddRow("Gateway (clients)", $"{address}:{settings.GatewayPort}");
                table.AddRow("Membership", Markup.Escape(settings.Clustering == "dev" ? $"dev, primary {settings.Primary ?? "this node"}" : settings.Clustering));
                table.AddRow("Cluster secret", secret is null ? "none (this machine only)" : "required on every call");
                console.Console.Write(table);
                console.Console.MarkupLine("Joined. Stop with Ctrl+C.");
            }

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StopAsync(stopping.Token).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command CreateStatus(CliConsole console)
    {
        var cluster = ClusterOption();
        cluster.Required = true;
        var secretFile = SecretFileOption();
        var json = PluginAICommand.JsonOption();
        var command = new Command("status", "List the cluster's nodes: hardware, models loaded, queue depth, documents held and state.") { cluster, secretFile, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = await ConnectAsync(parse.GetValue(cluster)!, ReadSecret(parse.GetValue(secretFile)), cancellationToken).ConfigureAwait(false);
            var nodes = await client.Services.GetRequiredService<ClusterGateway>().GetStatusAsync().ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, nodes);
                return 0;
            }

            var table = new Table().RoundedBorder().Title("[bold]Cluster nodes[/]");
            foreach (var column in new[] { "Node", "State", "Address", "Hardware", "Models loaded", "Queue", "Documents", "Shards" })
            {
                table.AddColumn(column);
            }

            foreach (var node in nodes)
            {
                table.AddRow(
                    new Text(node.Name),
                    new Markup(node.State == "active" ? "[green]active[/]" : $"[red]{Markup.Escape(node.State)}[/]"),
                    new Text(node.Address),
                    new Text(node.Cores > 0 ? string.Create(CultureInfo.InvariantCulture, $"{node.Cpu}, {node.Cores} cores, {node.MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB{string.Concat(node.Accelerators.Select(a => ", " + a))}") : "-"),
                    new Text(node.ModelsLoaded.Length > 0 ? string.Join(", ", node.ModelsLoaded) : "-"),
                    new Text(node.QueueDepth.ToString(CultureInfo.InvariantCulture)),
                    new Text(node.DocumentsHeld.ToString(CultureInfo.InvariantCulture)),
                    new Text(node.ShardsHeld.ToString(CultureInfo.InvariantCulture)));
            }

            console.Console.Write(table);
            return 0;
        });
        return command;
    }

    public static async Task<int> IngestAsync(CliConsole console, string cluster, string? secret, IngestionOptions options, bool json, CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(cluster, secret, cancellationToken).ConfigureAwait(false);
        var gateway = client.Services.GetRequiredService<ClusterGateway>();
        ClusterIngestReport report;
        if (json)
        {
            report = await gateway.IngestFolderAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
            JsonOutput.Write(console.Out, report);
        }
        else
        {
            ClusterIngestReport? result = null;
            await console.Console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var total = context.AddTask($"Sending {Markup.Escape(Path.GetFileName(options.Folder.TrimEnd('/')))} to the cluster", maxValue: 1);
                    var perNode = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                    var progress = new InlineProgress<ClusterIngestProgress>(p =>
                    {
                        total.MaxValue = Math.Max(1, p.Total);
                        total.Value = p.Done;
                        foreach (var (node, count) in p.PerNode)
                        {
                            if (!perNode.TryGetValue(node, out var task))
                            {
                                perNode[node] = task = context.AddTask(Markup.Escape(node), maxValue: Math.Max(1, p.Total));
                            }

                            task.Value = count;
                            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{node}: {count} processed"));
                        }
                    });
                    result = await gateway.IngestFolderAsync(options, progress: progress, cancellationToken: cancellationToken).ConfigureAwait(false);
                    total.Value = total.MaxValue;
                }).ConfigureAwait(false);
            report = result!;
            Render(console.Console, report);
        }

        return report.Failed.Count > 0 ? 1 : 0;
    }

    public static async Task<IReadOnlyList<PluginAI.Retrieval.RetrievedPassage>> SearchAsync(string cluster, string? secret, PluginAI.Runtime.Knowledge.SearchRequest request, CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(cluster, secret, cancellationToken).ConfigureAwait(false);
        try
        {
            return await client.Services.GetRequiredService<ClusterGateway>()
                .SearchAsync(request.KnowledgeBase, request.Query, request.Top, request.Mode, request.PathGlob, request.MediaTypes)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException exception)
        {
            throw new CliException(exception.Message);
        }
    }

    private static void Render(IAnsiConsole console, ClusterIngestReport report)
    {
        var table = new Table().RoundedBorder().Title($"[bold]Ingested into '{Markup.Escape(report.KnowledgeBase)}' across the cluster[/]").HideHeaders();
        table.AddColumn("What");
        table.AddColumn("Count");
        table.AddRow("Documents", report.Documents.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Added", report.Added.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Updated", report.Updated.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Unchanged", report.Unchanged.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Skipped", report.Skipped.Count.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Failed", report.Failed.Count.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Sent again (a node left)", report.Retries.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Chunks stored", report.Chunks.ToString(CultureInfo.InvariantCulture));
        foreach (var (node, count) in report.PerNode)
        {
            table.AddRow(Markup.Escape($"Processed by {node}"), count.ToString(CultureInfo.InvariantCulture));
        }

        table.AddRow("Time", string.Create(CultureInfo.InvariantCulture, $"{report.Elapsed.TotalSeconds:0.00} s"));
        console.Write(table);
        foreach (var (title, list) in new[] { ("Skipped", report.Skipped), ("Failed", report.Failed) })
        {
            if (list.Count == 0)
            {
                continue;
            }

            var detail = new Table().RoundedBorder().Title($"[bold yellow]{title}[/]");
            detail.AddColumn("Document");
            detail.AddColumn("Why");
            foreach (var s in list)
            {
                detail.AddRow(new Text(s.Path), new Text(s.Reason));
            }

            console.Write(detail);
        }
    }

    public static string? ReadSecret(FileInfo? file)
    {
        if (file is null)
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("PLUGINAI_CLUSTER_SECRET");
            return string.IsNullOrWhiteSpace(fromEnvironment) ? null : fromEnvironment.Trim();
        }

        if (!file.Exists)
        {
            throw new CliException($"{file.FullName}: the cluster secret file does not exist");
        }

        if (file.Length > MaxSecretBytes)
        {
            throw new CliException($"{file.FullName}: a cluster secret file holds at most {MaxSecretBytes} bytes; this one has {file.Length}");
        }

        var secret = File.ReadAllText(file.FullName).Trim();
        return secret.Length >= 16
            ? secret
            : throw new CliException($"{file.FullName}: the cluster secret is {secret.Length} characters; expected at least 16");
    }

    public static async Task<IHost> ConnectAsync(string cluster, string? secret, CancellationToken cancellationToken)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Logging.AddFilter("Orleans", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        try
        {
            builder.UseOrleansClient(client => client.UsePluginAICluster(cluster, secret));
        }
        catch (ArgumentException exception)
        {
            throw new CliException(exception.Message);
        }

        builder.Services.AddSingleton<ClusterGateway>();
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            host.Dispose();
            throw new CliException($"could not reach the cluster at {cluster} (a node's --gateway-port, or redis://HOST:PORT): {exception.Message}");
        }

        return host;
    }
}
