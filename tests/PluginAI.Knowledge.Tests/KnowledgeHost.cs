using System.Reflection;
using PluginAI.Host;

namespace PluginAI.Knowledge.Tests;

/// <summary>A temporary PluginAI home and a host that loads the real first-party plugins built for the tests.</summary>
internal sealed class KnowledgeHost : IAsyncDisposable
{
    private KnowledgeHost(string root, PluginHost host)
    {
        Root = root;
        Host = host;
    }

    public string Root { get; }

    public PluginHost Host { get; }

    public string Home => Path.Combine(Root, "home");

    public static string Metadata(string key) => typeof(KnowledgeHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static async Task<KnowledgeHost> StartAsync(string? root = null)
    {
        root ??= Path.Combine(Path.GetTempPath(), "pluginai-kb", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var host = await PluginHost.StartAsync(Options(root));
        Assert.All(host.Plugins, p => Assert.True(p.Status == PluginStatus.Loaded, $"{p.Id}: {p.Reason}"));
        return new KnowledgeHost(root, host);
    }

    public static PluginHostOptions Options(string root)
    {
        var options = new PluginHostOptions { HomeDirectory = Path.Combine(root, "home"), IncludeBundledPlugins = false, AllowUnsigned = true };
        options.AdditionalPluginDirectories.Add(Path.Combine(AppContext.BaseDirectory, "TestPlugins"));
        return options;
    }

    public string Folder(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
