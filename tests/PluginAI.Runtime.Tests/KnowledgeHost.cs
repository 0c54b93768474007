using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Host;
using PluginAI.Retrieval;
using PluginAI.Runtime.Ingestion;
using PluginAI.Runtime.Knowledge;
using PluginAI.Runtime.Plugins;

namespace PluginAI.Runtime.Tests;

/// <summary>A temporary PluginAI home and the application layer over the real first-party plugins built for the tests.</summary>
internal sealed class KnowledgeHost : IAsyncDisposable
{
    private KnowledgeHost(string root, ServiceProvider services)
    {
        Root = root;
        Services = services;
    }

    public string Root { get; }

    public ServiceProvider Services { get; }

    public string Home => Path.Combine(Root, "home");

    public static string Metadata(string key) => typeof(KnowledgeHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static async Task<KnowledgeHost> StartAsync(string? root = null, Action<PluginAIOptions>? configure = null)
    {
        root ??= Path.Combine(Path.GetTempPath(), "pluginai-kb", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var services = new ServiceCollection().AddPluginAI(options =>
        {
            Configure(options, root);
            configure?.Invoke(options);
        }).BuildServiceProvider();
        var plugins = await services.GetRequiredService<PluginService>().ListAsync();
        Assert.All(plugins, p => Assert.True(p.Status == PluginStatus.Loaded, $"{p.Id}: {p.Reason}"));
        return new KnowledgeHost(root, services);
    }

    public static void Configure(PluginAIOptions options, string root)
    {
        options.Host.HomeDirectory = Path.Combine(root, "home");
        options.Host.IncludeBundledPlugins = false;
        options.Host.AllowUnsigned = true;
        options.Host.AdditionalPluginDirectories.Add(Path.Combine(AppContext.BaseDirectory, "TestPlugins"));
    }

    public static Task<IReadOnlyList<RetrievedPassage>> SearchAsync(KnowledgeBaseSession session, string query, int top = 5, SearchMode mode = SearchMode.Hybrid, string? pathGlob = null, IReadOnlyList<string>? mediaTypes = null) =>
        SearchService.SearchSessionAsync(session, new SearchRequest { Query = query, Top = top, Mode = mode, PathGlob = pathGlob, MediaTypes = mediaTypes ?? [] });

    public Task<IngestionReport> IngestAsync(IngestionOptions options) => Services.GetRequiredService<IngestionService>().IngestFolderAsync(options);

    public Task<KnowledgeBaseSession> OpenAsync(string name = KnowledgeBaseService.DefaultName) => Services.GetRequiredService<KnowledgeBaseService>().OpenAsync(name);

    public string Folder(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
