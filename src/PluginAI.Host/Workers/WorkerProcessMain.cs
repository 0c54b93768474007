using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PluginAI.Host.Activation;
using PluginAI.Manifest;
using PluginAI.Processing;
using StreamJsonRpc;

namespace PluginAI.Host.Workers;

/// <summary>
/// The body of a plugin worker process (<c>PluginAI.Worker</c>): loads one plugin with the in-process activator, connects
/// to its host's socket and serves the plugin's contracts until the host goes away.
/// </summary>
public static class WorkerProcessMain
{
    /// <summary>Runs a worker.</summary>
    /// <param name="args">The command line: <c>--start FILE</c>, the start file the host wrote.</param>
    /// <returns>The process exit code: 0 when the host closed the connection, 2 for a bad command line or start file, 3 when the host could not be reached.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is not ["--start", var startPath])
        {
            await Console.Error.WriteLineAsync("usage: PluginAI.Worker --start FILE (started by a PluginAI host, not by hand)").ConfigureAwait(false);
            return 2;
        }

        WorkerStartInfo start;
        try
        {
            await using var file = File.OpenRead(startPath);
            start = await JsonSerializer.DeserializeAsync<WorkerStartInfo>(file, WorkerProtocol.Json).ConfigureAwait(false)
                ?? throw new JsonException("the file holds null");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            await Console.Error.WriteLineAsync($"{startPath}: cannot read the worker start file: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(new StandardErrorLoggerProvider()).SetMinimumLevel(LogLevel.Information));
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(start.SocketPath)).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            await Console.Error.WriteLineAsync($"{start.SocketPath}: cannot connect to the host: {ex.Message}").ConfigureAwait(false);
            return 3;
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var hostCallbacks = new RemoteTokenCounters();
        var (plugin, error) = await ActivateAsync(start, loggerFactory, hostCallbacks).ConfigureAwait(false);
        var endpoint = new WorkerEndpoint(start, plugin, error);
        using var rpc = WorkerProtocol.Connect(stream, endpoint);
        hostCallbacks.Rpc = rpc;
        endpoint.Host = rpc;
        rpc.StartListening();
        using var watch = new CancellationTokenSource();
        var parentWatch = WatchParentAsync(start.ParentProcessId, watch.Token);
        await Task.WhenAny(rpc.Completion, parentWatch).ConfigureAwait(false);
        await watch.CancelAsync().ConfigureAwait(false);
        if (plugin is not null)
        {
            // The host is gone: unload the plugin (its models, its open files) before leaving, but never hang on it.
            await Task.WhenAny(plugin.DisposeAsync().AsTask(), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<(ActivatedPlugin? Plugin, string? Error)> ActivateAsync(WorkerStartInfo start, ILoggerFactory loggerFactory, ITokenCounterProvider tokenCounters)
    {
        var read = await ManifestReader.ReadFileAsync(start.ManifestPath).ConfigureAwait(false);
        if (read.Manifest is not { } manifest)
        {
            return (null, $"{start.ManifestPath}: the manifest is not valid in the worker: {string.Join("; ", read.Errors.Select(e => e.ToString()))}");
        }

        var context = new PluginContext(manifest, start.EntryFolder, start.DataDirectory, start.Hardware, start.Variant) { License = start.License };
        var record = new PluginRecord(manifest.Id, Path.GetDirectoryName(start.ManifestPath)!, "worker") { Manifest = manifest };
        var request = new PluginActivationRequest(record, start.ManifestPath, new PluginEntryPoint(start.EntryAssembly, start.EntryType), start.EntryFolder, context, loggerFactory, tokenCounters)
        {
            Isolation = Manifest.PluginIsolation.InProcess,
        };
        try
        {
            return (await new InProcessPluginActivator().ActivateAsync(request).ConfigureAwait(false), null);
        }
        catch (PluginActivationException ex)
        {
            return (null, ex.Message);
        }
    }

    private static async Task WatchParentAsync(int parentProcessId, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    using var parent = Process.GetProcessById(parentProcessId);
                    if (parent.HasExited)
                    {
                        return;
                    }
                }
                catch (ArgumentException)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The host's token counters, asked over the connection: a plugin in a worker counts with the models the host has loaded.</summary>
    private sealed class RemoteTokenCounters : ITokenCounterProvider
    {
        public JsonRpc? Rpc { get; set; }

        public ITokenCounter? GetTokenCounter(string modelId)
        {
            if (Rpc is not { } rpc)
            {
                return null;
            }

            var known = rpc.InvokeAsync<bool>(HostCallbacks.HasTokenCounterMethod, modelId).GetAwaiter().GetResult();
            return known ? new RemoteCounter(rpc, modelId) : null;
        }

        private sealed class RemoteCounter(JsonRpc rpc, string modelId) : ITokenCounter
        {
            public int CountTokens(string text) => rpc.InvokeAsync<int>(HostCallbacks.CountTokensMethod, modelId, text).GetAwaiter().GetResult();
        }
    }

    /// <summary>Writes the plugin's log to standard error, one line an entry, where the host reads it into its own log.</summary>
    private sealed class StandardErrorLoggerProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var line = $"{logLevel}: {category}: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception.GetType().Name + ": " + exception.Message)}";
                Console.Error.WriteLine(line.ReplaceLineEndings(" "));
            }
        }
    }
}
