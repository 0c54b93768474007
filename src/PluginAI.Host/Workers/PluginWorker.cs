using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PluginAI.Processing;
using StreamJsonRpc;

namespace PluginAI.Host.Workers;

/// <summary>
/// One plugin's worker process and its supervision: start and handshake, health checks, call deadlines, restarts with
/// exponential backoff, and a crash loop that marks the plugin faulted instead of restarting it forever.
/// </summary>
/// <remarks>
/// A call takes the running connection (waiting for a restart in progress); when the process ends, every call in flight
/// fails at once with the cause (exit code or signal, a missed health check, an overrun deadline, and the worker's last
/// output), and the next call goes to the restarted worker. Proxies reload their models in a new worker on first use.
/// </remarks>
internal sealed partial class PluginWorker : IAsyncDisposable
{
    private const int TailLines = 200;
    private const int KeptRestarts = 10;

    private static readonly Meter s_meter = new(WorkerMetrics.MeterName);
    private static readonly Counter<long> s_restarts = s_meter.CreateCounter<long>("pluginai.worker.restarts", "{restart}", "Worker processes that ended unexpectedly, by plugin and cause (exit, health, deadline, start).");
    private static readonly Counter<long> s_calls = s_meter.CreateCounter<long>("pluginai.worker.calls", "{call}", "Calls from the host into plugin worker processes, by plugin and method.");

    private readonly WorkerStartInfo _start;
    private readonly WorkerOptions _options;
    private readonly PluginRecord _record;
    private readonly ITokenCounterProvider _tokenCounters;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<string> _nativeFolders;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly List<WorkerRestart> _recent = [];
    private readonly List<DateTimeOffset> _window = [];
    private Connection? _current;
    private Task<Connection>? _starting;
    private int _restarts;
    private int _generation;
    private string? _fault;
    private bool _disposed;

    public PluginWorker(WorkerStartInfo start, WorkerOptions options, PluginRecord record, ITokenCounterProvider tokenCounters, IReadOnlyList<string> nativeFolders, ILogger logger)
    {
        _start = start;
        _options = options;
        _record = record;
        _tokenCounters = tokenCounters;
        _nativeFolders = nativeFolders;
        _logger = logger;
    }

    public string PluginId => _start.PluginId;

    public TimeSpan LoadTimeout => _options.LoadTimeout;

    /// <summary>Starts the first worker; throws <see cref="Activation.PluginActivationException"/> when it cannot load the plugin.</summary>
    public async Task<WorkerHello> StartAsync(CancellationToken cancellationToken)
    {
        var connection = await LaunchAsync(cancellationToken).ConfigureAwait(false);
        if (connection.Hello.Error is { } error)
        {
            connection.Kill("it could not load the plugin");
            throw new Activation.PluginActivationException($"its worker process could not load it: {error}");
        }

        lock (_gate)
        {
            _current = connection;
        }

        return connection.Hello;
    }

    /// <summary>Gets the running worker, waiting for a restart in progress; throws when the plugin is faulted.</summary>
    public Task<Connection> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_fault is { } fault)
            {
                throw new PluginException($"The plugin '{PluginId}' is faulted: {fault}. Reload it or restart the host to try again.") { ErrorCode = "plugin.faulted" };
            }

            if (_current is { Ended.Task.IsCompleted: false, Dying: false } current)
            {
                return Task.FromResult(current);
            }

            _starting ??= RestartAsync(TimeSpan.Zero);
            return _starting.WaitAsync(cancellationToken);
        }
    }

    public WorkerSnapshot Snapshot()
    {
        lock (_gate)
        {
            var current = _current is { Ended.Task.IsCompleted: false } c ? c : null;
            var state = _fault is not null ? "faulted" : _disposed ? "stopped" : current is not null ? "running" : _starting is not null ? "restarting" : "stopped";
            long? memory = null;
            if (current is not null)
            {
                try
                {
                    current.Process.Refresh();
                    memory = current.Process.WorkingSet64;
                }
                catch (InvalidOperationException)
                {
                }
            }

            return new WorkerSnapshot(state, current?.Hello.ProcessId, current?.StartedAt, memory, _restarts, [.. _recent], _fault);
        }
    }

    public async Task<T> InvokeAsync<T>(Connection connection, string method, object?[] arguments, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        s_calls.Add(1, new KeyValuePair<string, object?>("plugin", PluginId), new KeyValuePair<string, object?>("method", method));
        var limit = timeout ?? _options.CallTimeout;
        // A JSON-RPC call that is cancelled still waits for the worker's answer, which a hung worker never sends: the
        // wait itself is bounded by the deadline and by the caller's token, and the call is left to end with the process.
        var call = connection.Rpc.InvokeWithCancellationAsync<T>(method, arguments, cancellationToken);
        try
        {
            return await call.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Observe(call);
            throw Overran(connection, method, limit);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Observe(call);
            throw;
        }
        catch (RemoteInvocationException ex)
        {
            throw FromRemote(ex);
        }
        catch (Exception ex) when (ex is ConnectionLostException or ObjectDisposedException)
        {
            throw await LostAsync(connection, method).ConfigureAwait(false);
        }
    }

    public async IAsyncEnumerable<T> StreamAsync<T>(Connection connection, string method, object?[] arguments, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var remote = await InvokeAsync<IAsyncEnumerable<T>>(connection, method, arguments, null, cancellationToken).ConfigureAwait(false);
        var enumerator = remote.GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync().AsTask().WaitAsync(_options.CallTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    throw Overran(connection, method, _options.CallTimeout);
                }
                catch (RemoteInvocationException ex)
                {
                    throw FromRemote(ex);
                }
                catch (Exception ex) when (ex is ConnectionLostException or ObjectDisposedException)
                {
                    throw await LostAsync(connection, method).ConfigureAwait(false);
                }

                if (!more)
                {
                    yield break;
                }

                yield return enumerator.Current;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Connection? current;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            current = _current;
            _current = null;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (current is not null)
        {
            await current.StopAsync().ConfigureAwait(false);
        }

        _lifetime.Dispose();
    }

    private static string Describe(int exitCode)
    {
        if (OperatingSystem.IsWindows() || exitCode <= 128 || exitCode > 128 + 64)
        {
            return $"exit code {exitCode}";
        }

        var signal = exitCode - 128;
        var name = signal switch
        {
            4 => "SIGILL",
            6 => "SIGABRT",
            7 => "SIGBUS",
            8 => "SIGFPE",
            9 => "SIGKILL",
            11 => "SIGSEGV",
            15 => "SIGTERM",
            _ => "signal",
        };
        return $"signal {signal} ({name})";
    }

    private static Exception FromRemote(RemoteInvocationException ex)
    {
        if (ex.DeserializedErrorData is WireError error)
        {
            return error.Type is "PluginAI.PluginException" || error.ErrorCode is not null
                ? new PluginException(error.Message) { ErrorCode = error.ErrorCode, FilePath = error.FilePath }
                : new WorkerRemoteException(error.Type, error.Message);
        }

        return new WorkerRemoteException("StreamJsonRpc.RemoteInvocationException", ex.Message);
    }

    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private PluginException Overran(Connection connection, string method, TimeSpan limit)
    {
        var cause = $"it did not finish {method} within its {limit.TotalSeconds:0.###} s deadline";
        connection.Kill(cause);
        return new PluginException($"The worker process of plugin '{PluginId}' (pid {connection.Hello.ProcessId}) was killed: {cause}; it is being restarted.") { ErrorCode = "plugin.worker_deadline" };
    }

    private async Task<PluginException> LostAsync(Connection connection, string method)
    {
        // The connection drops a moment before the process is reaped; wait for the exit status that says why.
        var cause = await connection.Ended.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return new PluginException($"The worker process of plugin '{PluginId}' (pid {connection.Hello.ProcessId}) ended during {method}: {cause}. The request was lost; the worker is being restarted.") { ErrorCode = "plugin.worker_crashed" };
    }

    private async Task<Connection> RestartAsync(TimeSpan delay)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _lifetime.Token).ConfigureAwait(false);
            }

            var connection = await LaunchAsync(_lifetime.Token).ConfigureAwait(false);
            if (connection.Hello.Error is { } error)
            {
                connection.Kill("it could not load the plugin");
                throw new PluginException($"The restarted worker of plugin '{PluginId}' could not load it: {error}");
            }

            lock (_gate)
            {
                _starting = null;
                if (_disposed)
                {
                    connection.Kill("the host is unloading the plugin");
                    throw new ObjectDisposedException(nameof(PluginWorker));
                }

                _current = connection;
            }

            LogRestarted(_logger, PluginId, connection.Hello.ProcessId);
            return connection;
        }
        catch (Exception ex) when (ex is not ObjectDisposedException)
        {
            lock (_gate)
            {
                _starting = null;
            }

            if (ex is not OperationCanceledException)
            {
                Ended(null, $"its restart failed: {ex.Message}", "start");
            }

            throw;
        }
    }

    private void Ended(Connection? connection, string cause, string kind)
    {
        TimeSpan? restartIn = null;
        lock (_gate)
        {
            if (connection is not null && _current == connection)
            {
                _current = null;
            }

            if (_disposed)
            {
                return;
            }

            var now = DateTimeOffset.UtcNow;
            _restarts++;
            _recent.Add(new WorkerRestart(now, cause));
            if (_recent.Count > KeptRestarts)
            {
                _recent.RemoveAt(0);
            }

            _window.Add(now);
            _window.RemoveAll(t => now - t > _options.CrashLoopWindow);
            if (_window.Count >= _options.CrashLoopRestarts)
            {
                _fault = $"its worker process ended {_window.Count} times within {_options.CrashLoopWindow.TotalSeconds:0} s; last: {cause}";
                _record.Status = PluginStatus.Faulted;
                _record.Reason = _fault;
            }
            else if (_starting is null)
            {
                var doubled = _options.RestartDelay.TotalMilliseconds * Math.Pow(2, _window.Count - 1);
                restartIn = TimeSpan.FromMilliseconds(Math.Min(doubled, _options.MaxRestartDelay.TotalMilliseconds));
                _starting = RestartAsync(restartIn.Value);
                _starting.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }

        s_restarts.Add(1, new KeyValuePair<string, object?>("plugin", PluginId), new KeyValuePair<string, object?>("cause", kind));
        _record.RecordFault($"worker: {cause}");
        if (restartIn is { } wait)
        {
            LogEnded(_logger, PluginId, cause, wait.TotalMilliseconds);
        }
        else
        {
            LogFaulted(_logger, PluginId, cause);
        }
    }

    private async Task<Connection> LaunchAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pluginai-w{Environment.ProcessId}-{Guid.NewGuid():N}"[..28]);
        var directory = OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(folder)
            : Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var socketPath = Path.Combine(directory.FullName, "s");
            var startPath = Path.Combine(directory.FullName, "start.json");
            await File.WriteAllTextAsync(startPath, JsonSerializer.Serialize(_start with { SocketPath = socketPath }, WorkerProtocol.Json), cancellationToken).ConfigureAwait(false);
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            listener.Listen(1);

            var process = new Process { StartInfo = StartInfo(startPath), EnableRaisingEvents = true };
            var tail = new Queue<string>();
            void Output(object sender, DataReceivedEventArgs e)
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (tail)
                {
                    tail.Enqueue(e.Data);
                    if (tail.Count > TailLines)
                    {
                        tail.Dequeue();
                    }
                }

                LogOutput(_logger, PluginId, e.Data);
            }

            process.OutputDataReceived += Output;
            process.ErrorDataReceived += Output;
            var started = DateTimeOffset.UtcNow;
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                using var startDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                startDeadline.CancelAfter(_options.StartTimeout);
                var accept = listener.AcceptAsync(startDeadline.Token).AsTask();
                var exited = process.WaitForExitAsync(startDeadline.Token);
                if (await Task.WhenAny(accept, exited).ConfigureAwait(false) == exited && !accept.IsCompletedSuccessfully)
                {
                    await exited.ConfigureAwait(false);
                    process.WaitForExit();
                    throw new PluginException($"The worker process of plugin '{PluginId}' ended before it connected: {Describe(process.ExitCode)}{Tail(tail)}") { ErrorCode = "plugin.worker_start" };
                }

                var socket = await accept.ConfigureAwait(false);
                var stream = new NetworkStream(socket, ownsSocket: true);
                var callbacks = new HostCallbacks(_tokenCounters);
                var rpc = WorkerProtocol.Connect(stream, callbacks);
                rpc.StartListening();
                var hello = await rpc.InvokeWithCancellationAsync<WorkerHello>(nameof(WorkerEndpoint.Hello), [WorkerProtocol.Version], startDeadline.Token).ConfigureAwait(false);
                if (hello.PluginId != PluginId || hello.ProtocolVersion != WorkerProtocol.Version)
                {
                    throw new PluginException($"The worker process of plugin '{PluginId}' answered as '{hello.PluginId}' with protocol {hello.ProtocolVersion}; expected '{PluginId}' and protocol {WorkerProtocol.Version}.");
                }

                var connection = new Connection(this, process, rpc, hello, started, Interlocked.Increment(ref _generation), tail) { Callbacks = callbacks };
                connection.Watch();
                return connection;
            }
            catch (Exception ex)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }

                process.Dispose();
                if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    throw new PluginException($"The worker process of plugin '{PluginId}' did not connect and load the plugin within {_options.StartTimeout.TotalSeconds:0} s{Tail(tail)}") { ErrorCode = "plugin.worker_start" };
                }

                throw;
            }
        }
        finally
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private ProcessStartInfo StartInfo(string startPath)
    {
        var worker = _options.WorkerPath ?? Path.Combine(AppContext.BaseDirectory, "PluginAI.Worker.dll");
        if (!File.Exists(worker))
        {
            throw new PluginException($"The worker program {worker} does not exist; it ships next to the host as PluginAI.Worker.dll.") { FilePath = worker, ErrorCode = "plugin.worker_missing" };
        }

        var info = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = _start.EntryFolder,
        };
        if (worker.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            info.FileName = DotnetHost();
            info.ArgumentList.Add("exec");
            info.ArgumentList.Add(worker);
        }
        else
        {
            info.FileName = worker;
        }

        info.ArgumentList.Add("--start");
        info.ArgumentList.Add(startPath);

        // Nothing of the host's environment but what a .NET process needs: no keys, no host settings, no library path.
        var inherited = info.Environment.ToList();
        info.Environment.Clear();
        foreach (var (key, value) in inherited)
        {
            if (key is "PATH" or "HOME" or "USER" or "TMPDIR" or "TEMP" or "TMP" or "LANG" or "SystemRoot" or "SYSTEMROOT" or "windir" or "USERPROFILE" or "LOCALAPPDATA" or "APPDATA"
                || key.StartsWith("DOTNET_", StringComparison.Ordinal) || key.StartsWith("LC_", StringComparison.Ordinal))
            {
                info.Environment[key] = value;
            }
        }

        // The plugin sees the same globalization as in the host: text normalisation (a tokenizer's accent folding, for
        // one) differs between invariant mode and ICU, and so would embeddings.
        var invariant = AppContext.TryGetSwitch("System.Globalization.Invariant", out var on) && on;
        info.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = invariant ? "true" : "false";

        if (_nativeFolders.Count > 0)
        {
            var variable = OperatingSystem.IsWindows() ? "PATH" : OperatingSystem.IsMacOS() ? "DYLD_LIBRARY_PATH" : "LD_LIBRARY_PATH";
            var existing = OperatingSystem.IsWindows() && info.Environment.TryGetValue("PATH", out var path) ? path : null;
            info.Environment[variable] = string.Join(Path.PathSeparator, existing is null ? _nativeFolders : [.. _nativeFolders, existing]);
        }

        return info;
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        if (Environment.ProcessPath is { } current && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        return root is not null && File.Exists(Path.Combine(root, name)) ? Path.Combine(root, name) : name;
    }

    private static string Tail(Queue<string> tail)
    {
        lock (tail)
        {
            var lines = tail.Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
            var report = lines.FindLastIndex(l => l.StartsWith("Process terminated.", StringComparison.Ordinal) || l.StartsWith("Unhandled exception.", StringComparison.Ordinal));
            lines = report >= 0 ? lines.Skip(report).Take(2).ToList() : lines.TakeLast(3).ToList();
            return lines.Count == 0 ? string.Empty : "; its last output: " + string.Join(" | ", lines);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The worker of plugin {PluginId} ended: {Cause}; restarting it in {DelayMs} ms")]
    private static partial void LogEnded(ILogger logger, string pluginId, string cause, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "The worker of plugin {PluginId} is in a crash loop and the plugin is now faulted; last cause: {Cause}")]
    private static partial void LogFaulted(ILogger logger, string pluginId, string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "The worker of plugin {PluginId} restarted as process {ProcessId}")]
    private static partial void LogRestarted(ILogger logger, string pluginId, int processId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "worker {PluginId}: {Line}")]
    private static partial void LogOutput(ILogger logger, string pluginId, string line);

    /// <summary>One running worker process and its connection.</summary>
    internal sealed class Connection(PluginWorker owner, Process process, JsonRpc rpc, WorkerHello hello, DateTimeOffset startedAt, int generation, Queue<string> tail)
    {
        private string? _killCause;

        public Process Process { get; } = process;

        public JsonRpc Rpc { get; } = rpc;

        /// <summary>Gets what the worker may ask of the host over this connection.</summary>
        public required HostCallbacks Callbacks { get; init; }

        public WorkerHello Hello { get; } = hello;

        public DateTimeOffset StartedAt { get; } = startedAt;

        /// <summary>Gets a number that changes with every new worker process, so that proxies know to reload.</summary>
        public int Generation { get; } = generation;

        /// <summary>Gets the cause of the end, once the process has ended.</summary>
        public TaskCompletionSource<string> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Watch()
        {
            _ = WaitForExitAsync();
            _ = CheckHealthAsync();
        }

        /// <summary>Gets whether the host has killed this process; it is not handed out to new calls while it is reaped.</summary>
        public bool Dying => Volatile.Read(ref _killCause) is not null;

        public void Kill(string cause)
        {
            Interlocked.CompareExchange(ref _killCause, cause, null);
            try
            {
                Process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }

        public async Task StopAsync()
        {
            Interlocked.CompareExchange(ref _killCause, "the host unloaded the plugin", null);
            Rpc.Dispose();
            if (!Process.WaitForExit(TimeSpan.FromSeconds(6)))
            {
                Kill("the host unloaded the plugin");
            }

            await Ended.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            Process.Dispose();
        }

        private async Task WaitForExitAsync()
        {
            await Process.WaitForExitAsync().ConfigureAwait(false);
            Process.WaitForExit();
            var killed = Volatile.Read(ref _killCause);
            var cause = killed is not null
                ? $"killed by the host: {killed}"
                : $"{Describe(Process.ExitCode)}{Tail(tail)}";
            Rpc.Dispose();
            Ended.TrySetResult(cause);
            if (killed is not "the host unloaded the plugin")
            {
                owner.Ended(this, cause, killed is null ? "exit" : killed.Contains("health", StringComparison.Ordinal) ? "health" : "deadline");
            }
        }

        private async Task CheckHealthAsync()
        {
            using var timer = new PeriodicTimer(owner._options.HealthInterval);
            while (!Ended.Task.IsCompleted && await timer.WaitForNextTickAsync().ConfigureAwait(false))
            {
                if (Ended.Task.IsCompleted)
                {
                    return;
                }

                var ping = Rpc.InvokeWithCancellationAsync<long>(nameof(WorkerEndpoint.Ping), [], CancellationToken.None);
                try
                {
                    await ping.WaitAsync(owner._options.HealthTimeout).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    Observe(ping);
                    Kill($"it did not answer a health check within {owner._options.HealthTimeout.TotalSeconds:0.###} s");
                    return;
                }
                catch (Exception ex) when (ex is ConnectionLostException or ObjectDisposedException or RemoteInvocationException)
                {
                    return;
                }
            }
        }
    }
}

/// <summary>An unexpected exception a plugin threw in its worker process, with the original type's name.</summary>
internal sealed class WorkerRemoteException(string remoteType, string message) : Exception($"{remoteType}: {message}")
{
    public string RemoteType { get; } = remoteType;
}

/// <summary>The meter of plugin worker processes, for <c>/metrics</c>.</summary>
public static class WorkerMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "PluginAI.Host.Workers";
}
