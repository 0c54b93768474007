using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using PluginAI.Runtime;

namespace PluginAI.Cluster.Tests;

/// <summary>An in-process Orleans cluster of PluginAI nodes, each with its own home, over the real first-party plugins.</summary>
internal sealed class ClusterFixture : IAsyncDisposable
{
    private ClusterFixture(string root, InProcessTestCluster cluster)
    {
        Root = root;
        Cluster = cluster;
        Gateway = new ClusterGateway(cluster.Client);
    }

    public string Root { get; }

    public InProcessTestCluster Cluster { get; }

    public ClusterGateway Gateway { get; }

    public static string Metadata(string key) => typeof(ClusterFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static async Task<ClusterFixture> StartAsync(short silos = 3)
    {
        var root = Path.Combine(Path.GetTempPath(), "pluginai-cluster", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((silo, host) =>
        {
            host.Services.AddPluginAI(options => ConfigureHome(options, Path.Combine(root, silo.SiloName)));
            host.Services.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.NumVotesForDeathDeclaration = 1;
            });
        });
        builder.ConfigureSilo((_, silo) => silo.AddPluginAINode(options => options.RepairInterval = TimeSpan.FromSeconds(1)));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new ClusterFixture(root, cluster);
    }

    public static void ConfigureHome(PluginAIOptions options, string home)
    {
        options.Host.HomeDirectory = home;
        options.Host.IncludeBundledPlugins = false;
        options.Host.AllowUnsigned = true;
        options.Host.AdditionalPluginDirectories.Add(Path.Combine(AppContext.BaseDirectory, "TestPlugins"));
    }

    /// <summary>Gets, for every document key, the live nodes that hold it.</summary>
    public Task<Dictionary<string, List<string>>> HoldersAsync(string knowledgeBase, int shards = 16) =>
        HoldersAsync(knowledgeBase, Cluster.Silos.Select(s => s.Name), shards);

    /// <summary>Gets, for every document key, the given nodes that hold it, with the content hash each holds.</summary>
    public async Task<Dictionary<string, List<string>>> HoldersAsync(string knowledgeBase, IEnumerable<string> nodes, int shards = 16, Dictionary<string, List<string>>? hashes = null)
    {
        var holders = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var name in nodes)
        {
            var node = Cluster.Client.GetGrain<INodeGrain>(name);
            for (var shard = 0; shard < shards; shard++)
            {
                foreach (var document in await node.ListAsync(knowledgeBase, shard))
                {
                    if (!holders.TryGetValue(document.Key, out var list))
                    {
                        holders[document.Key] = list = [];
                    }

                    list.Add(name);
                    if (hashes is not null)
                    {
                        if (!hashes.TryGetValue(document.Key, out var seen))
                        {
                            hashes[document.Key] = seen = [];
                        }

                        seen.Add(document.ContentHash);
                    }
                }
            }
        }

        return holders;
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
