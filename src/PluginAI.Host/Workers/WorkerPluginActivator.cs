using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using PluginAI.Host.Activation;
using PluginAI.Manifest;

namespace PluginAI.Host.Workers;

/// <summary>
/// Runs a plugin in a supervised worker process of its own (<see cref="PluginWorker"/>) and hands the host proxies of its
/// contracts. The worker gets the plugin's folder as its working folder, the plugin's native folders as its library
/// search path, and none of the host's environment beyond what .NET needs.
/// </summary>
internal sealed class WorkerPluginActivator(WorkerOptions options) : IPluginActivator
{
    public string Name => "worker";

    public bool CanActivate(PluginActivationRequest request) => request.Isolation == PluginIsolation.OutOfProcess;

    public async Task<ActivatedPlugin> ActivateAsync(PluginActivationRequest request, CancellationToken cancellationToken = default)
    {
        var context = request.Context;
        Directory.CreateDirectory(context.DataDirectory);
        var start = new WorkerStartInfo
        {
            ProtocolVersion = WorkerProtocol.Version,
            PluginId = request.Manifest.Id,
            ManifestPath = Path.GetFullPath(request.ManifestPath),
            EntryFolder = Path.GetFullPath(request.EntryFolder),
            EntryAssembly = request.Entry.Assembly,
            EntryType = request.Entry.Type,
            DataDirectory = Path.GetFullPath(context.DataDirectory),
            Variant = context.Variant,
            Hardware = context.Hardware,
            License = context.License,
            SocketPath = string.Empty,
            ParentProcessId = Environment.ProcessId,
        };
        var logger = request.LoggerFactory.CreateLogger($"PluginAI.Worker.{request.Manifest.Id}");
        var worker = new PluginWorker(start, options, request.Record, request.TokenCounters, NativeLibraries.SearchFolders(start.EntryFolder), logger);
        WorkerHello hello;
        try
        {
            hello = await worker.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PluginException ex)
        {
            await worker.DisposeAsync().ConfigureAwait(false);
            throw new PluginActivationException($"its worker process did not start: {ex.Message}", ex);
        }
        catch
        {
            await worker.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        request.Record.WorkerSource = worker.Snapshot;
        return new ActivatedPlugin(async () =>
        {
            request.Record.WorkerSource = null;
            await worker.DisposeAsync().ConfigureAwait(false);
        })
        {
            Backends = [.. hello.Backends.Select((m, i) => new WorkerBackend(worker, i, m))],
            Preprocessors = [.. hello.Preprocessors.Select((m, i) => new WorkerPreprocessor(worker, i, m))],
            Postprocessors = [.. hello.Postprocessors.Select((m, i) => new WorkerPostprocessor(worker, i, m))],
            Retrievers = [.. hello.Retrievers.Select((m, i) => new WorkerRetriever(worker, i, m))],
        };
    }
}

/// <summary>Finds the native libraries a plugin ships.</summary>
internal static class NativeLibraries
{
    /// <summary>Says whether a plugin folder ships native libraries (under <c>runtimes/*/native</c>, or shared objects anywhere).</summary>
    public static bool Ships(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return false;
        }

        var runtimes = Path.Combine(folder, "runtimes");
        if (Directory.Exists(runtimes) && Directory.EnumerateDirectories(runtimes).Any(r => Directory.Exists(Path.Combine(r, "native")) && Directory.EnumerateFiles(Path.Combine(r, "native"), "*", SearchOption.AllDirectories).Any()))
        {
            return true;
        }

        return Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 3 })
            .Any(f => f.EndsWith(".so", StringComparison.Ordinal) || f.Contains(".so.", StringComparison.Ordinal) || f.EndsWith(".dylib", StringComparison.Ordinal));
    }

    /// <summary>The folders a worker searches for the plugin's native libraries: this platform's <c>runtimes/RID/native</c> folders, then the plugin folder.</summary>
    public static IReadOnlyList<string> SearchFolders(string folder)
    {
        var result = new List<string>();
        var rid = RuntimeInformation.RuntimeIdentifier;
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var portable = $"{os}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
        foreach (var candidate in new[] { rid, portable }.Distinct(StringComparer.Ordinal))
        {
            var native = Path.Combine(folder, "runtimes", candidate, "native");
            if (Directory.Exists(native))
            {
                result.Add(native);
            }
        }

        result.Add(folder);
        return result;
    }
}
