using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PluginAI.Registry.Server.Endpoints;

namespace PluginAI.Registry.Server;

/// <summary>Starts the registry server: a NuGet v3 feed over a folder of plugin packages, plus PluginAI's own resource.</summary>
public static class RegistryServer
{
    /// <summary>Opens (or rebuilds) the index, reconciles it with the package folder and starts listening.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="loggerFactory">Where to log, or <see langword="null"/> for no logging.</param>
    /// <param name="cancellationToken">A token to cancel the start.</param>
    /// <returns>The running server; dispose it to stop.</returns>
    /// <exception cref="ArgumentException">The options are not valid.</exception>
    /// <exception cref="InvalidOperationException">A listen address is beyond loopback and no API key is set.</exception>
    public static async Task<RegistryServerHandle> StartAsync(RegistryServerOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.PackagesDirectory, nameof(options));
        if (options.Urls.Count == 0)
        {
            throw new ArgumentException("At least one listen address is needed, such as http://127.0.0.1:5000.", nameof(options));
        }

        foreach (var url in options.Urls)
        {
            if (!IsListenAddress(url))
            {
                throw new ArgumentException(
                    $"Urls: '{url}' is not a listen address; expected http://HOST:PORT with an IP address, localhost or * as the host, such as http://127.0.0.1:5000 (this machine only).",
                    nameof(options));
            }
        }

        if (options.MaxPackageBytes <= 0)
        {
            throw new ArgumentException("MaxPackageBytes must be positive.", nameof(options));
        }

        if (options.IndexLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException("IndexLifetime must be positive.", nameof(options));
        }

        var keys = new ApiKeySet(options.ApiKeys);
        var exposed = options.Urls.Where(u => !IsLoopback(u)).ToList();
        if (exposed.Count > 0 && keys.IsEmpty)
        {
            throw new InvalidOperationException(
                $"Refusing to listen on {string.Join(", ", exposed)}: the address is reachable from other machines and no API key is set. " +
                "Add an API key (reads then need it too), or listen on loopback only, such as http://127.0.0.1:5000.");
        }

        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("PluginAI.Registry.Server");
        var root = Path.GetFullPath(options.PackagesDirectory);
        var database = RegistryDatabase.Open(options.DatabasePath ?? Path.Combine(root, "registry.db"));
        var store = new PackageStore(root, database, options.TimeProvider, logger);
        await store.ReconcileAsync(cancellationToken).ConfigureAwait(false);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(RegistryServer).Assembly.GetName().Name });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddLogging();
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxPackageBytes > long.MaxValue - (1 << 20) ? null : options.MaxPackageBytes + (1 << 20);
        });
        builder.WebHost.UseUrls([.. options.Urls]);

        var app = builder.Build();
        app.UseRouting();
        RegistryEndpoints.Map(app, options, store, keys, readsNeedKey: exposed.Count > 0, logger);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a.EndsWith('/') ? a : a + "/")).ToList() ?? [];
        if (addresses.Count == 0)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException("The server started without a listen address.");
        }

        logger.LogInformation("PluginAI registry listening on {Addresses}, packages in {Root}", string.Join(", ", addresses), root);
        return new RegistryServerHandle(app, addresses);
    }

    private static bool IsListenAddress(string url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return false;
        }

        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return false;
        }

        if (address.IsNamedPipe || address.IsUnixPipe)
        {
            return false;
        }

        var host = address.Host;
        return address.Scheme is "http" or "https"
            && address.Port is >= 0 and <= 65535
            && (host is "*" or "+"
                || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
                || (host.StartsWith('[') == host.EndsWith(']') && IPAddress.TryParse(host.Trim('[', ']'), out _)));
    }

    /// <summary>Tells whether a listen address is reachable only from this machine.</summary>
    /// <param name="url">A listen address such as <c>http://127.0.0.1:5000</c> or <c>http://*:5000</c>.</param>
    /// <returns><see langword="true"/> for <c>localhost</c> and loopback IP addresses.</returns>
    public static bool IsLoopback(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        string host;
        try
        {
            host = BindingAddress.Parse(url).Host;
        }
        catch (FormatException)
        {
            return false;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
