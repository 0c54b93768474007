using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace PluginAI.Sdk.Tests.Flow;

/// <summary>
/// <c>pluginai registry serve --urls http://127.0.0.1:0 --json</c> running in the background on a free port; disposing
/// it kills the process.
/// </summary>
internal sealed class RegistryProcess : IDisposable
{
    private readonly Process _process;
    private readonly ProcessStartInfo _start;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private RegistryProcess(Process process, ProcessStartInfo start, string serviceIndex)
    {
        _process = process;
        _start = start;
        ServiceIndex = serviceIndex;
    }

    /// <summary>Gets the URL of the NuGet v3 service index, from the first thing the registry writes.</summary>
    public string ServiceIndex { get; private set; }

    /// <summary>Gets what the registry wrote so far, for failure messages.</summary>
    public string Output => $"{FlowProcess.Describe(_start)}:\n{FlowProcess.Text(_stdout)}\n{FlowProcess.Text(_stderr)}";

    /// <summary>Starts the registry and waits until it has written its service index URL.</summary>
    public static async Task<RegistryProcess> StartAsync(string workingDirectory, string home, string apiKey, TimeSpan timeout)
    {
        var start = FlowProcess.PluginAI(workingDirectory, home, ["registry", "serve", "--urls", "http://127.0.0.1:0", "--api-key", apiKey, "--json"]);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{FlowProcess.Describe(start)} did not start.");
        process.StandardInput.Close();
        var registry = new RegistryProcess(process, start, string.Empty);
        try
        {
            // --json writes one indented JSON object, from a line '{' to a line '}', and then serves until killed.
            var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var first = new StringBuilder();
            var stdout = FlowProcess.Pump(process.StandardOutput, registry._stdout, line =>
            {
                if (ready.Task.IsCompleted || (first.Length == 0 && !line.StartsWith('{')))
                {
                    return;
                }

                first.AppendLine(line);
                if (line == "}")
                {
                    try
                    {
                        using var json = JsonDocument.Parse(first.ToString());
                        ready.TrySetResult(json.RootElement.GetProperty("serviceIndex").GetString()!);
                    }
                    catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
                    {
                        ready.TrySetException(new InvalidOperationException($"The registry's first output is not the JSON it should be: {e.Message}"));
                    }
                }
            });
            _ = FlowProcess.Pump(process.StandardError, registry._stderr);
            _ = stdout.ContinueWith(_ => ready.TrySetException(new InvalidOperationException("The registry stopped before it wrote its service index.")), TaskScheduler.Default);
            var done = await Task.WhenAny(ready.Task, Task.Delay(timeout));
            if (done != ready.Task)
            {
                throw new TimeoutException($"The registry did not write its service index within {timeout}.\n{registry.Output}");
            }

            try
            {
                registry.ServiceIndex = await ready.Task;
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"{e.Message}\n{registry.Output}", e);
            }

            return registry;
        }
        catch
        {
            registry.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
