using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Host;
using PluginAI.Runtime;
using PluginAI.Runtime.Models;
using PluginAI.Runtime.Plugins;
using PluginAI.TestSupport;

namespace PluginAI.Server.Tests;

/// <summary>The real server in process on a free loopback port, over the real first-party plugins, with stories260K registered as "stories".</summary>
public sealed class ServerHost : IAsyncDisposable
{
    public const string Model = "stories";

    private ServerHost(string root, PluginAIServerHandle server, string? apiKey)
    {
        Root = root;
        Server = server;
        Client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (apiKey is not null)
        {
            Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    public string Root { get; }

    public PluginAIServerHandle Server { get; }

    public HttpClient Client { get; }

    public Uri ApiBase => new(Server.BaseAddress, "v1/");

    public IServiceProvider Services => Server.Services;

    public static async Task<ServerHost> StartAsync(Action<PluginAIServerOptions>? configure = null, Action<PluginAIOptions>? configureApp = null, Action<string>? prepareHome = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "pluginai-server", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        prepareHome?.Invoke(Path.Combine(root, "home"));
        var options = new PluginAIServerOptions();
        options.Urls.Add("http://127.0.0.1:0");
        configure?.Invoke(options);
        var server = await PluginAIServer.StartAsync(options, services =>
        {
            services.AddLogging();
            services.AddPluginAI(o =>
            {
                o.Host.HomeDirectory = Path.Combine(root, "home");
                o.Host.IncludeBundledPlugins = false;
                o.Host.AllowUnsigned = true;
                o.Host.AdditionalPluginDirectories.Add(Path.Combine(AppContext.BaseDirectory, "TestPlugins"));
                configureApp?.Invoke(o);
            });
        });
        server.Services.GetRequiredService<ModelService>().Add(Model, SharedModels.Stories260K);
        var plugins = await server.Services.GetRequiredService<PluginService>().ListAsync();
        var testPlugins = Path.Combine(AppContext.BaseDirectory, "TestPlugins");
        Assert.Contains(plugins, p => p.Status == PluginStatus.Loaded);
        Assert.All(plugins.Where(p => p.Directory.StartsWith(testPlugins, StringComparison.Ordinal)), p => Assert.True(p.Status == PluginStatus.Loaded, $"{p.Id}: {p.Reason}"));
        return new ServerHost(root, server, options.ApiKeys.FirstOrDefault());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One server shared by the tests of a class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public ServerHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ServerHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
