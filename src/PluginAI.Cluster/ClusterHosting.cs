using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Orleans.Configuration;
using Microsoft.Extensions.Hosting;

namespace PluginAI.Cluster;

/// <summary>Where a node listens and how it finds the others.</summary>
public sealed class ClusterNodeSettings
{
    /// <summary>Gets or sets the node's name, unique in the cluster.</summary>
    public required string Name { get; set; }

    /// <summary>Gets or sets the membership: <c>dev</c> (a primary node keeps it in memory) or <c>redis://HOST:PORT</c>.</summary>
    public string Clustering { get; set; } = "dev";

    /// <summary>Gets or sets the primary node's silo endpoint (<c>HOST:PORT</c>) for development clustering; none on the primary itself.</summary>
    public string? Primary { get; set; }

    /// <summary>Gets or sets the address the node listens on and advertises; loopback unless told otherwise.</summary>
    public IPAddress Listen { get; set; } = IPAddress.Loopback;

    /// <summary>Gets or sets the port other nodes reach this one on.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Gets or sets the port clients (<c>--cluster</c>) reach this node on.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Gets or sets the shared cluster secret; when set, every PluginAI call between nodes and clients must carry it.</summary>
    public string? Secret { get; set; }

    /// <summary>Gets or sets the cluster's identity; nodes with another one do not join.</summary>
    public string ClusterId { get; set; } = "pluginai";
}

/// <summary>Configures a silo as a PluginAI node, or a client of a PluginAI cluster.</summary>
public static class ClusterHosting
{
    /// <summary>Makes the silo a PluginAI node with the given endpoints, membership and secret.</summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="settings">The node's settings.</param>
    /// <param name="configure">Sets shards, replication and repair.</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder UsePluginAINode(this ISiloBuilder silo, ClusterNodeSettings settings, Action<PluginAIClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = "pluginai";
        });
        silo.Configure<SiloOptions>(o => o.SiloName = settings.Name);
        silo.ConfigureEndpoints(settings.Listen, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false);
        if (RedisAddress(settings.Clustering) is { } redis)
        {
            silo.UseRedisClustering(redis);
        }
        else if (settings.Clustering == "dev")
        {
            silo.UseDevelopmentClustering(settings.Primary is null ? new IPEndPoint(settings.Listen, settings.SiloPort) : ParseEndpoint(settings.Primary, "--primary"));
        }
        else
        {
            throw new ArgumentException($"--clustering '{settings.Clustering}' is not known: expected 'dev' or 'redis://HOST:PORT'.");
        }

        if (!string.IsNullOrEmpty(settings.Secret))
        {
            var filter = new ClusterSecretFilter(settings.Secret);
            silo.AddIncomingGrainCallFilter(filter);
            silo.AddOutgoingGrainCallFilter(filter);
        }

        return silo.AddPluginAINode(configure);
    }

    /// <summary>Makes the client reach a PluginAI cluster through a gateway (<c>HOST:PORT</c>) or its Redis membership.</summary>
    /// <param name="client">The client builder.</param>
    /// <param name="cluster">A gateway's <c>HOST:PORT</c>, or <c>redis://HOST:PORT</c>.</param>
    /// <param name="secret">The shared cluster secret, when the cluster has one.</param>
    /// <param name="clusterId">The cluster's identity.</param>
    /// <returns>The client builder.</returns>
    public static IClientBuilder UsePluginAICluster(this IClientBuilder client, string cluster, string? secret = null, string clusterId = "pluginai")
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(cluster);
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = "pluginai";
        });
        if (RedisAddress(cluster) is { } redis)
        {
            client.UseRedisClustering(redis);
        }
        else
        {
            client.UseStaticClustering(ParseEndpoint(cluster, "--cluster"));
        }

        if (!string.IsNullOrEmpty(secret))
        {
            client.AddOutgoingGrainCallFilter(new ClusterSecretFilter(secret));
        }

        // Orleans retries a gateway that does not answer for ever; a command should say so within seconds.
        var attempts = 0;
        client.UseConnectionRetryFilter(async (_, cancellationToken) =>
        {
            if (Interlocked.Increment(ref attempts) > 5)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            return true;
        });
        return client;
    }

    /// <summary>Parses <c>HOST:PORT</c>, resolving a host name.</summary>
    /// <param name="text">The endpoint.</param>
    /// <param name="what">The option it came from, for the error.</param>
    /// <returns>The endpoint.</returns>
    public static IPEndPoint ParseEndpoint(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port != 0)
        {
            return endpoint;
        }

        var colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
        {
            try
            {
                var address = Dns.GetHostAddresses(text[..colon]).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                    ?? Dns.GetHostAddresses(text[..colon]).First();
                return new IPEndPoint(address, port);
            }
            catch (Exception exception) when (exception is SocketException or InvalidOperationException)
            {
                throw new ArgumentException($"{what} '{text}': the host name does not resolve ({exception.Message}).", exception);
            }
        }

        throw new ArgumentException($"{what} '{text}' is not an endpoint: expected HOST:PORT, such as 127.0.0.1:30000.");
    }

    private static string? RedisAddress(string clustering) =>
        clustering.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) ? clustering["redis://".Length..].TrimEnd('/') : null;
}

/// <summary>
/// Every PluginAI grain call carries a token derived from the shared cluster secret, and a node refuses PluginAI calls
/// without it. It keeps out clients and nodes that do not know the secret; it does not encrypt traffic or stop someone
/// who can read it from replaying the token.
/// </summary>
internal sealed class ClusterSecretFilter(string secret) : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    private const string Key = "pluginai-cluster-token";
    private readonly string _token = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), "pluginai cluster v1"u8));

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        RequestContext.Set(Key, _token);
        return context.Invoke();
    }

    public Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.InterfaceMethod?.DeclaringType?.Assembly == typeof(INodeGrain).Assembly)
        {
            var presented = RequestContext.Get(Key) as string;
            if (presented is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented), Encoding.ASCII.GetBytes(_token)))
            {
                throw new UnauthorizedAccessException($"A call to {context.InterfaceMethod.DeclaringType.Name}.{context.InterfaceMethod.Name} carried no valid cluster secret.");
            }
        }

        return context.Invoke();
    }
}
