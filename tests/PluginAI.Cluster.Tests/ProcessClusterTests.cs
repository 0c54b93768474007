using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PluginAI.Retrieval;

namespace PluginAI.Cluster.Tests;

/// <summary>A real cluster: three <c>pluginai cluster node</c> processes on loopback with Redis membership.</summary>
public sealed class ProcessClusterTests
{
    [Fact]
    public async Task Three_node_processes_on_redis_keep_every_document_twice_after_one_is_killed_mid_ingestion()
    {
        var root = Path.Combine(Path.GetTempPath(), "pluginai-cluster-processes", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var processes = new List<Process>();
        try
        {
            var redisPort = FreePort();
            processes.Add(Start("redis-server", ["--port", redisPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], root));
            await WaitForPortAsync(redisPort);
            var secret = Path.Combine(root, "secret");
            await File.WriteAllTextAsync(secret, "a shared secret of this test cluster");
            var nodes = new List<(string Name, int Gateway, Process Process)>();
            for (var i = 0; i < 3; i++)
            {
                var (silo, gatewayPort) = (FreePort(), FreePort());
                var name = $"node{i}";
                if (i < 2)
                {
                    // Two of the three nodes have the chat model.
                    using var add = Start("dotnet", [ClusterFixture.Metadata("PluginAICli"), "--home", Path.Combine(root, name), "models", "add", "default", PluginAI.TestSupport.SharedModels.Stories260K], root);
                    await add.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
                    Assert.True(add.ExitCode == 0, await add.StandardError.ReadToEndAsync());
                }

                var process = Start("dotnet", [
                    ClusterFixture.Metadata("PluginAICli"), "--home", Path.Combine(root, name), "cluster", "node", "--name", name,
                    "--clustering", $"redis://127.0.0.1:{redisPort}", "--silo-port", silo.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--gateway-port", gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--secret-file", secret, "--json"], root);
                processes.Add(process);
                nodes.Add((name, gatewayPort, process));
            }

            foreach (var node in nodes)
            {
                var line = await node.Process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
                Assert.True(line is not null && line.Contains("\"joined\"", StringComparison.Ordinal), $"{node.Name} did not join: {line} {await ErrorsAsync(node.Process)}");
            }

            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.UseOrleansClient(client => client.UsePluginAICluster($"127.0.0.1:{nodes[0].Gateway}", "a shared secret of this test cluster"));
            using var host = builder.Build();
            await host.StartAsync();
            var grains = host.Services.GetRequiredService<IClusterClient>();
            var gateway = new ClusterGateway(grains);

            var folder = Path.Combine(root, "corpus");
            Directory.CreateDirectory(folder);
            for (var i = 0; i < 36; i++)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, $"note-{i:D2}.md"), $"# Note {i}\n\nThis is note {i} of the process test. It describes item {i} and the {(i % 2 == 0 ? "river crossing" : "mountain pass")} near it.\n");
            }

            var victim = nodes[2];
            var killed = false;
            var progress = new SyncProgress(p =>
            {
                if (p.Done >= 8 && !killed)
                {
                    killed = true;
                    victim.Process.Kill();
                }
            });
            var report = await gateway.IngestFolderAsync(new Runtime.Ingestion.IngestionOptions { Folder = folder, KnowledgeBase = "notes" }, new ClusterIngestOptions { Parallelism = 3 }, progress);

            Assert.True(killed, "the node was not killed during the ingestion");
            Assert.Empty(report.Failed);
            Assert.Equal(36, report.Added + report.Updated + report.Unchanged);

            var live = nodes.Take(2).Select(n => n.Name).ToList();
            Dictionary<string, List<string>> holders = [];
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (DateTime.UtcNow < deadline)
            {
                holders = await HoldersAsync(grains, live, "notes");
                if (holders.Count == 36 && holders.Values.All(v => v.Count == 2))
                {
                    break;
                }

                await Task.Delay(1000);
            }

            Assert.Equal(36, holders.Count);
            Assert.All(holders, pair => Assert.True(pair.Value.Count == 2, $"{pair.Key} is held by {string.Join(", ", pair.Value)}"));
            Assert.All(holders.Keys, key => Assert.StartsWith("corpus/", key, StringComparison.Ordinal));

            var hits = await gateway.SearchAsync("notes", "note 17 of the process test", top: 3, SearchMode.Keyword);
            Assert.Equal("corpus/note-17.md", hits[0].SourcePath);

            var status = await gateway.GetStatusAsync();
            Assert.Equal(2, status.Count(s => s.State == "active"));
            Assert.Equal(72, status.Where(s => s.State == "active").Sum(s => s.DocumentsHeld));

            // A chat request through the gateway goes to a live node that has the model, which loads it.
            var answer = new StringBuilder();
            string? answeredBy = null;
            await foreach (var update in gateway.StreamChatAsync("default", [new ChatMessage(ChatRole.User, "Once upon a time")], new ChatOptions { MaxOutputTokens = 16, Temperature = 0 }))
            {
                answeredBy ??= update.AdditionalProperties?["node"] as string;
                answer.Append(update.Text);
            }

            Assert.False(string.IsNullOrWhiteSpace(answer.ToString()), "the cluster's answer is empty");
            Assert.Contains(answeredBy, live);
            Assert.Contains((await gateway.GetStatusAsync()).Single(s => s.Name == answeredBy).ModelsLoaded, m => m.Contains("default", StringComparison.OrdinalIgnoreCase) || m.Contains("stories", StringComparison.OrdinalIgnoreCase));

            // The OpenAI-compatible server answers for the cluster over real HTTP.
            var httpPort = FreePort();
            var serve = Start("dotnet", [
                ClusterFixture.Metadata("PluginAICli"), "--home", Path.Combine(root, "server"), "serve", "--cluster", $"127.0.0.1:{nodes[0].Gateway}",
                "--secret-file", secret, "--urls", $"http://127.0.0.1:{httpPort}", "--json"], root);
            processes.Add(serve);
            var started = new StringBuilder();
            for (var line = 0; line < 50 && !started.ToString().Contains("\"addresses\"", StringComparison.Ordinal); line++)
            {
                started.AppendLine(await serve.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2)));
            }

            Assert.True(started.ToString().Contains("\"addresses\"", StringComparison.Ordinal), $"the server did not start: {started} {await ErrorsAsync(serve)}");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromMinutes(2) };
            Assert.Contains("\"default\"", await http.GetStringAsync("/v1/models"), StringComparison.Ordinal);
            using var completion = await http.PostAsync("/v1/chat/completions", new StringContent(
                """{"model":"default","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":12,"temperature":0}""", Encoding.UTF8, "application/json"));
            var body = await completion.Content.ReadAsStringAsync();
            Assert.True(completion.IsSuccessStatusCode, body);
            using (var document = System.Text.Json.JsonDocument.Parse(body))
            {
                Assert.False(string.IsNullOrWhiteSpace(document.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()));
            }

            using var missing = await http.PostAsync("/v1/chat/completions", new StringContent(
                """{"model":"no-such-model","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

            // A client without the secret is refused.
            var stranger = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            stranger.UseOrleansClient(client => client.UsePluginAICluster($"127.0.0.1:{nodes[0].Gateway}"));
            using var strangerHost = stranger.Build();
            await strangerHost.StartAsync();
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => new ClusterGateway(strangerHost.Services.GetRequiredService<IClusterClient>()).GetStatusAsync());
            Assert.Contains("cluster secret", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var process in processes)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }

                process.Dispose();
            }

            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task A_node_refuses_to_listen_beyond_loopback_without_a_secret_and_a_secret_that_is_too_short()
    {
        var root = Path.Combine(Path.GetTempPath(), "pluginai-cluster-processes", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            using var open = Start("dotnet", [ClusterFixture.Metadata("PluginAICli"), "--home", root, "cluster", "node", "--listen", "0.0.0.0"], root);
            var error = await open.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(1));
            await open.WaitForExitAsync();
            Assert.NotEqual(0, open.ExitCode);
            Assert.Contains("--secret-file", error, StringComparison.Ordinal);

            var secret = Path.Combine(root, "short");
            await File.WriteAllTextAsync(secret, "tooshort");
            using var weak = Start("dotnet", [ClusterFixture.Metadata("PluginAICli"), "--home", root, "cluster", "node", "--secret-file", secret], root);
            error = await weak.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(1));
            await weak.WaitForExitAsync();
            Assert.NotEqual(0, weak.ExitCode);
            Assert.Contains("at least 16", error, StringComparison.Ordinal);
            Assert.Contains(secret, error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<Dictionary<string, List<string>>> HoldersAsync(IGrainFactory grains, IEnumerable<string> nodes, string knowledgeBase)
    {
        var holders = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var name in nodes)
        {
            for (var shard = 0; shard < 16; shard++)
            {
                foreach (var document in await grains.GetGrain<INodeGrain>(name).ListAsync(knowledgeBase, shard))
                {
                    if (!holders.TryGetValue(document.Key, out var list))
                    {
                        holders[document.Key] = list = [];
                    }

                    list.Add(name);
                }
            }
        }

        return holders;
    }

    private static Process Start(string file, IEnumerable<string> arguments, string directory)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
    }

    private static async Task<string> ErrorsAsync(Process process)
    {
        if (!process.HasExited)
        {
            return string.Empty;
        }

        return await process.StandardError.ReadToEndAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private sealed class SyncProgress(Action<ClusterIngestProgress> report) : IProgress<ClusterIngestProgress>
    {
        public void Report(ClusterIngestProgress value) => report(value);
    }
}
