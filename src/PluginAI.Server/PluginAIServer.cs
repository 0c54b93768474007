using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using PluginAI.Server.Internal;

namespace PluginAI.Server;

/// <summary>Starts the OpenAI-compatible server over the application layer.</summary>
public static class PluginAIServer
{
    /// <summary>Checks the options, binds the addresses and starts serving.</summary>
    /// <param name="options">Addresses, keys and limits.</param>
    /// <param name="configureServices">Adds the application layer (<c>AddPluginAI()</c>) and logging to the server's services.</param>
    /// <param name="cancellationToken">A token to cancel starting.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="PluginAIServerException">An address is not valid, is reachable from other machines without an API key, or cannot be bound.</exception>
    public static async Task<PluginAIServerHandle> StartAsync(PluginAIServerOptions options, Action<IServiceCollection> configureServices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configureServices);
        var urls = options.Urls.Count > 0 ? [.. options.Urls] : new List<string> { PluginAIServerOptions.DefaultUrl };
        Validate(options, urls);

        // The empty builder reads no appsettings.json and no ASPNETCORE_* variables: what the server binds and allows is
        // exactly what the options say, checked above.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(PluginAIServer).Assembly.GetName().Name });
        configureServices(builder.Services);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddSingleton<ServerReadiness>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ServerReadiness>());
        builder.Services.AddRoutingCore();
        if (options.CorsOrigins.Count > 0)
        {
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
                .WithOrigins([.. options.CorsOrigins])
                .WithMethods("GET", "POST", "DELETE")
                .WithHeaders("Authorization", "Content-Type")));
        }

        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ServerMetrics.MeterName, ServerMetrics.BackendMeterPattern, PluginAI.Host.Workers.WorkerMetrics.MeterName)
            .AddView(ServerMetrics.TimeToFirstToken, new ExplicitBucketHistogramConfiguration { Boundaries = ServerMetrics.LatencyBuckets })
            .AddView(ServerMetrics.RequestDuration, new ExplicitBucketHistogramConfiguration { Boundaries = ServerMetrics.LatencyBuckets })
            .AddPrometheusExporter());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = Math.Max(options.MaxRequestBodyBytes, options.MaxUploadBytes);
        });
        builder.WebHost.UseUrls([.. urls]);

        var app = builder.Build();
        app.UseMiddleware<ErrorMiddleware>();
        if (options.CorsOrigins.Count > 0)
        {
            app.UseCors();
        }

        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseRouting();
        Endpoints.Map(app);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            var inUse = ex is IOException { InnerException: SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } } or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
            throw new PluginAIServerException(
                inUse
                    ? $"Cannot listen on {string.Join(", ", urls)}: the address is already in use (is another server running?); choose another port with --urls."
                    : $"Cannot listen on {string.Join(", ", urls)}: {ex.Message}",
                ex);
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a.EndsWith('/') ? a : a + "/")).ToList() ?? [];
        return new PluginAIServerHandle(app, addresses);
    }

    /// <summary>Tells whether an address can be reached only from this machine.</summary>
    /// <param name="url">An address such as <c>http://127.0.0.1:8080</c>.</param>
    /// <returns><see langword="true"/> for loopback addresses and <c>localhost</c>.</returns>
    public static bool IsLoopback(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!TryParseListenAddress(url, out var host))
        {
            return false;
        }

        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    private static void Validate(PluginAIServerOptions options, List<string> urls)
    {
        foreach (var url in urls)
        {
            if (!TryParseListenAddress(url, out _))
            {
                throw new PluginAIServerException($"--urls: '{url}' is not a listen address; expected http://HOST:PORT, such as http://127.0.0.1:8080 (this machine only) or http://0.0.0.0:8080 (with --api-key).");
            }
        }

        var exposed = urls.Where(u => !IsLoopback(u)).ToList();
        if (exposed.Count > 0 && !options.ApiKeys.Any(k => !string.IsNullOrWhiteSpace(k)))
        {
            throw new PluginAIServerException(
                $"Refusing to listen on {string.Join(", ", exposed)}: the address is reachable from other machines and no API key is set. " +
                "Give keys with --api-key-file (or PLUGINAI_API_KEYS), or listen on this machine only, such as http://127.0.0.1:8080.");
        }

        if (options.MaxRequestBodyBytes < 1024 || options.MaxUploadBytes < 1024)
        {
            throw new PluginAIServerException($"The request body limits must be at least 1024 bytes; got MaxRequestBodyBytes {options.MaxRequestBodyBytes}, MaxUploadBytes {options.MaxUploadBytes}.");
        }

        if (options.MaxTokens < 1)
        {
            throw new PluginAIServerException($"The max_tokens cap must be at least 1; got {options.MaxTokens}.");
        }

        foreach (var origin in options.CorsOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.AbsolutePath != "/")
            {
                throw new PluginAIServerException($"--cors-origin: '{origin}' is not an origin; expected scheme://host[:port], such as http://localhost:3000.");
            }
        }
    }

    /// <summary>Reads a listen address as Kestrel takes it: <c>http(s)://HOST[:PORT]</c>, with <c>*</c> or <c>+</c> for every address.</summary>
    /// <param name="url">The address.</param>
    /// <param name="host">The host it names (<c>0.0.0.0</c> for the wildcards).</param>
    /// <returns>Whether it is such an address.</returns>
    public static bool TryParseListenAddress(string url, out string host)
    {
        ArgumentNullException.ThrowIfNull(url);
        host = string.Empty;
        var text = url.Trim();
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return false;
        }

        var scheme = text[..schemeEnd];
        if (!string.Equals(scheme, "http", StringComparison.OrdinalIgnoreCase) && !string.Equals(scheme, "https", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Kestrel accepts the wildcards '*' and '+' for "every address", which Uri does not parse.
        var rest = text[(schemeEnd + 3)..];
        if (rest.StartsWith('*') || rest.StartsWith('+'))
        {
            host = "0.0.0.0";
            rest = "localhost" + rest[1..];
            return Uri.TryCreate($"{scheme}://{rest}", UriKind.Absolute, out var wild) && wild.AbsolutePath == "/";
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return false;
        }

        host = uri.Host;
        return host.Length > 0;
    }
}
