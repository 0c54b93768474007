using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using PluginAI.Backends;
using PluginAI.Host.Workers;
using PluginAI.Manifest;
using PluginAI.TestSupport;

namespace PluginAI.Host.Tests;

/// <summary>
/// Plugins in supervised worker processes: real child processes started from PluginAI.Worker.dll, a test backend that
/// fails fast, faults in native code and hangs on request, and two builds of one native library compiled by the C compiler.
/// </summary>
public sealed class WorkerTests : IDisposable
{
    private const string NativeFixture = "PluginAI.TestPlugins.Native";
    private readonly TestHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task NativeCrashes_LeaveTheHostUp_ReportTheirCause_AndTheNextCallSucceedsAfterTheRestart()
    {
        AddNativePlugin("crashy", "Test.Crashy", answer: 1, isolation: "out-of-process");
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));
        var record = Assert.Single(host.Plugins);
        Assert.Equal(PluginStatus.Loaded, record.Status);
        Assert.Equal(PluginIsolation.OutOfProcess, record.Isolation);
        var model = await LoadAsync(host);
        var client = model.ChatClient!;

        var firstPid = await AskAsync(client, "pid");
        Assert.NotEqual(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), firstPid);
        Assert.Equal(int.Parse(firstPid, System.Globalization.CultureInfo.InvariantCulture), record.Worker!.ProcessId);

        var failFast = await Assert.ThrowsAsync<PluginException>(() => AskAsync(client, "failfast"));
        Assert.Contains("Test.Crashy", failFast.Message, StringComparison.Ordinal);
        Assert.Contains("SIGABRT", failFast.Message, StringComparison.Ordinal);
        Assert.Equal("plugin.worker_crashed", failFast.ErrorCode);

        // The model is loaded again in the new worker on first use.
        var secondPid = await AskAsync(client, "pid");
        Assert.NotEqual(firstPid, secondPid);

        var fault = await Assert.ThrowsAsync<PluginException>(() => AskAsync(client, "segfault"));
        Assert.Contains("SIGSEGV", fault.Message, StringComparison.Ordinal);
        Assert.Equal("answer 1", await AskAsync(client, "native"));

        var worker = record.Worker!;
        Assert.Equal("running", worker.State);
        Assert.Equal(2, worker.Restarts);
        Assert.Collection(worker.RecentCauses, c => Assert.Contains("SIGABRT", c.Cause, StringComparison.Ordinal), c => Assert.Contains("SIGSEGV", c.Cause, StringComparison.Ordinal));
        Assert.Contains("fail fast", worker.RecentCauses[0].Cause, StringComparison.Ordinal);
        Assert.True(worker.MemoryBytes > 0);
    }

    [Fact]
    public async Task CancellingAStream_StopsTheWorkersGeneration()
    {
        AddNativePlugin("streamer", "Test.Streamer", answer: 1, isolation: "out-of-process");
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));
        var client = (await LoadAsync(host)).ChatClient!;

        using var cancel = new CancellationTokenSource();
        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("stream", cancellationToken: cancel.Token))
            {
                if (++received == 50)
                {
                    await cancel.CancelAsync();
                }
            }
        });
        Assert.True(received >= 50);

        var before = long.Parse(await AskAsync(client, "streamed"), System.Globalization.CultureInfo.InvariantCulture);
        await Task.Delay(500);
        var after = long.Parse(await AskAsync(client, "streamed"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(before >= 50, $"the worker streamed {before} tokens");
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task AHangingCall_IsKilledAtItsDeadline_AndACrashLoopEndsInAFaultedPlugin()
    {
        AddNativePlugin("hanging", "Test.Hanging", answer: 1, isolation: "out-of-process");
        var options = _home.Options();
        options.Workers.CallTimeout = TimeSpan.FromSeconds(2);
        options.Workers.RestartDelay = TimeSpan.FromMilliseconds(50);
        options.Workers.CrashLoopRestarts = 3;
        await using var host = await PluginHost.StartAsync(options, TestHome.Probe(TestHome.CpuOnly()));
        var record = Assert.Single(host.Plugins);
        var client = (await LoadAsync(host)).ChatClient!;

        var watch = Stopwatch.StartNew();
        var hang = await Assert.ThrowsAsync<PluginException>(() => AskAsync(client, "hang"));
        Assert.Contains("deadline", hang.Message, StringComparison.Ordinal);
        Assert.Equal("plugin.worker_deadline", hang.ErrorCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
        Assert.StartsWith("echo hello", await AskAsync(client, "hello"), StringComparison.Ordinal);

        await Assert.ThrowsAsync<PluginException>(() => AskAsync(client, "failfast"));
        await Assert.ThrowsAsync<PluginException>(() => AskAsync(client, "failfast"));
        var faulted = await Assert.ThrowsAsync<PluginException>(() => AskAsync(client, "hello"));
        Assert.Equal("plugin.faulted", faulted.ErrorCode);
        Assert.Contains("3 times", faulted.Message, StringComparison.Ordinal);
        Assert.Equal(PluginStatus.Faulted, record.Status);
        Assert.Equal("faulted", record.Worker!.State);
        Assert.Null(record.Worker.ProcessId);
    }

    [Fact]
    public async Task TwoBuildsOfOneNativeLibrary_RunSideBySide_EachAnsweringWithItsOwn()
    {
        AddNativePlugin("first", "Test.First", answer: 1, isolation: "out-of-process");
        AddNativePlugin("second", "Test.Second", answer: 2, isolation: "out-of-process");
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));
        Assert.All(host.Plugins, p => Assert.Equal(PluginStatus.Loaded, p.Status));

        var answers = new List<string>();
        foreach (var backend in host.GetBackends())
        {
            await using var model = await backend.LoadModelAsync(new ModelLoadRequest { ModelPath = "m.test" });
            answers.Add(await AskAsync(model.ChatClient!, "native"));
        }

        Assert.Equal(["answer 1", "answer 2"], answers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PluginErrors_CrossTheBoundaryAsTheyWereThrown()
    {
        AddNativePlugin("errors", "Test.Errors", answer: 1, isolation: "out-of-process");
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));
        var client = (await LoadAsync(host)).ChatClient!;

        var refused = await Assert.ThrowsAsync<PluginException>(() => AskAsync(client, "refuse"));
        Assert.Equal("test.refused", refused.ErrorCode);
        Assert.Equal("the misbehaving backend refuses this request", refused.Message);

        var broke = await Assert.ThrowsAsync<PluginFaultException>(() => AskAsync(client, "throw"));
        Assert.Contains("InvalidOperationException: the misbehaving backend broke", broke.ToString(), StringComparison.Ordinal);

        var options = new ChatOptions { Temperature = 0.25f };
        var response = await client.GetResponseAsync("options", options);
        Assert.Equal("echo options temperature 0.25", response.Text);
    }

    [Fact]
    public async Task APluginThatShipsNativeLibraries_RunsInAWorkerByDefault_AndTheUsersChoiceOverridesIt()
    {
        AddNativePlugin("undeclared", "Test.Undeclared", answer: 1, isolation: null);
        await using (var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly())))
        {
            var record = Assert.Single(host.Plugins);
            Assert.Equal(PluginIsolation.OutOfProcess, record.Isolation);
            Assert.Contains("native libraries", record.IsolationReason, StringComparison.Ordinal);
            Assert.NotEqual(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), await AskAsync((await LoadAsync(host)).ChatClient!, "pid"));
        }

        IsolationSettings.Set(_home.Root, "Test.Undeclared", PluginIsolation.InProcess);
        await using (var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly())))
        {
            var record = Assert.Single(host.Plugins);
            Assert.Equal(PluginIsolation.InProcess, record.Isolation);
            Assert.Null(record.Worker);
            Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), await AskAsync((await LoadAsync(host)).ChatClient!, "pid"));
        }
    }

    [Fact]
    public async Task AManifestThatAsksForInProcess_ButShipsNatives_IsWarnedAbout()
    {
        AddNativePlugin("declared", "Test.Declared", answer: 1, isolation: "in-process");
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));
        var record = Assert.Single(host.Plugins);
        Assert.Equal(PluginIsolation.InProcess, record.Isolation);
        Assert.Contains(record.Details, d => d.StartsWith("warning: it ships native libraries", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheGgufBackendInAWorker_GivesTheSameGreedyOutputAsInProcess()
    {
        var answers = new List<(string Text, string Streamed)>();
        foreach (var isolation in new[] { PluginIsolation.InProcess, PluginIsolation.OutOfProcess })
        {
            var options = _home.Options();
            options.AdditionalPluginDirectories.Add(Path.Combine(AppContext.BaseDirectory, "TestPlugins"));
            options.Isolation["PluginAI.Backends.Llama"] = isolation;
            await using var host = await PluginHost.StartAsync(options, TestHome.Probe(TestHome.CpuOnly()));
            var record = host.Plugins.Single(p => p.Id == "PluginAI.Backends.Llama");
            Assert.Equal(PluginStatus.Loaded, record.Status);
            Assert.Equal(isolation, record.Isolation);
            var backend = host.GetBackends().Single(b => b.CanLoad(SharedModels.Stories260K));
            await using var model = await backend.LoadModelAsync(new ModelLoadRequest
            {
                ModelPath = SharedModels.Stories260K,
                Capabilities = ModelCapabilities.Chat,
                Plan = new DevicePlan { Threads = 1, ContextSize = 512, BatchSize = 512 },
            });
            var chat = new ChatOptions { Temperature = 0, Seed = 1, MaxOutputTokens = 48 };
            var text = (await model.ChatClient!.GetResponseAsync("Once upon a time", chat)).Text;
            var streamed = string.Concat(await model.ChatClient!.GetStreamingResponseAsync("Once upon a time", chat).Select(u => u.Text).ToListAsync());
            answers.Add((text, streamed));
        }

        Assert.False(string.IsNullOrWhiteSpace(answers[0].Text));
        Assert.Equal(answers[0], answers[1]);
        Assert.Equal(answers[0].Text, answers[0].Streamed);
    }

    [Fact]
    public async Task WorkerCallsAndRestarts_AreCountedByPlugin()
    {
        var measurements = new List<(string Name, long Value, string? Plugin)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WorkerMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? plugin = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "plugin")
                {
                    plugin = tag.Value as string;
                }
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, value, plugin));
            }
        });
        listener.Start();

        AddNativePlugin("counted", "Test.Counted", answer: 1, isolation: "out-of-process");
        await using var host = await PluginHost.StartAsync(_home.Options(), TestHome.Probe(TestHome.CpuOnly()));
        var client = (await LoadAsync(host)).ChatClient!;
        await AskAsync(client, "hello");
        await Assert.ThrowsAsync<PluginException>(() => AskAsync(client, "failfast"));

        lock (measurements)
        {
            Assert.Contains(measurements, m => m is { Name: "pluginai.worker.calls", Plugin: "Test.Counted" });
            Assert.Contains(measurements, m => m is { Name: "pluginai.worker.restarts", Plugin: "Test.Counted", Value: 1 });
        }
    }

    [Fact]
    public async Task AWorker_ExitsWhenItsHostProcessIsGone_EvenWithItsConnectionOpen()
    {
        var folder = _home.AddPlugin("orphan", TestHome.Manifest("Test.Orphan", type: "PluginAI.TestPlugins.Native.NativeTestPlugin", kinds: "\"backend\"", assembly: "PluginAI.TestPlugins.Native.dll"), NativeFixture);
        using var parent = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        var socketPath = Path.Combine(_home.Root, "w.sock");
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);
        var startPath = Path.Combine(_home.Root, "start.json");
        await File.WriteAllTextAsync(startPath, System.Text.Json.JsonSerializer.Serialize(new WorkerStartInfo
        {
            ProtocolVersion = WorkerProtocol.Version,
            PluginId = "Test.Orphan",
            ManifestPath = Path.Combine(folder, "pluginai.json"),
            EntryFolder = folder,
            EntryAssembly = "PluginAI.TestPlugins.Native.dll",
            EntryType = "PluginAI.TestPlugins.Native.NativeTestPlugin",
            DataDirectory = Path.Combine(_home.Root, "data"),
            Hardware = TestHome.CpuOnly(),
            License = PluginAI.Licensing.PluginLicense.Free,
            SocketPath = socketPath,
            ParentProcessId = parent.Id,
        }, WorkerProtocol.Json));

        var info = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "PluginAI.Worker.dll"), "--start", startPath })
        {
            info.ArgumentList.Add(argument);
        }

        using var worker = Process.Start(info)!;
        try
        {
            using var socket = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(60));
            using var rpc = WorkerProtocol.Connect(new System.Net.Sockets.NetworkStream(socket), null);
            rpc.StartListening();
            var hello = await rpc.InvokeAsync<WorkerHello>(nameof(WorkerEndpoint.Hello), WorkerProtocol.Version);
            Assert.Equal(worker.Id, hello.ProcessId);
            Assert.Null(hello.Error);
            Assert.Single(hello.Backends);

            parent.Kill();
            await parent.WaitForExitAsync();
            await worker.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(0, worker.ExitCode);
        }
        finally
        {
            if (!worker.HasExited)
            {
                worker.Kill();
            }
        }
    }

    private static async Task<ILoadedModel> LoadAsync(PluginHost host) =>
        await Assert.Single(host.GetBackends()).LoadModelAsync(new ModelLoadRequest { ModelPath = "m.test", Capabilities = ModelCapabilities.Chat });

    private static async Task<string> AskAsync(IChatClient client, string command) => (await client.GetResponseAsync(command)).Text;

    private void AddNativePlugin(string folder, string id, int answer, string? isolation)
    {
        var extra = isolation is null ? string.Empty : $"\"isolation\": \"{isolation}\"";
        var target = _home.AddPlugin(folder, TestHome.Manifest(id, type: "PluginAI.TestPlugins.Native.NativeTestPlugin", kinds: "\"backend\"", extra: extra, assembly: "PluginAI.TestPlugins.Native.dll"), NativeFixture);
        var native = Path.Combine(target, "runtimes", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "native");
        Directory.CreateDirectory(native);
        CompileNative(answer, Path.Combine(native, "libpaitest.so"));
    }

    private static void CompileNative(int answer, string output)
    {
        var source = RepositoryFile("tests/TestPlugins/PluginAI.TestPlugins.Native/native/paitest.c");
        var info = new ProcessStartInfo("cc") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-shared", "-fPIC", "-O1", $"-DPAI_ANSWER={answer}", "-o", output, source })
        {
            info.ArgumentList.Add(argument);
        }

        using var compiler = Process.Start(info)!;
        var errors = compiler.StandardError.ReadToEnd();
        compiler.WaitForExit();
        Assert.True(compiler.ExitCode == 0, $"cc failed: {errors}");
    }

    private static string RepositoryFile(string relative)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} was not found above {AppContext.BaseDirectory}");
    }
}
