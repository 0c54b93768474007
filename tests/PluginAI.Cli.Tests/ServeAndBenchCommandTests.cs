using System.Diagnostics;
using System.Text;
using System.Text.Json;
using PluginAI.TestSupport;

namespace PluginAI.Cli.Tests;

/// <summary><c>pluginai serve</c> and <c>pluginai bench</c> run as a user runs them.</summary>
public sealed class ServeAndBenchCommandTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "pluginai-cli-bench", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_refuses_to_listen_beyond_loopback_without_a_key_and_names_bad_addresses()
    {
        var (exposedCode, _, exposedError) = await PluginAICli.RunAsync(_home, "serve", "--urls", "http://0.0.0.0:0");
        Assert.NotEqual(0, exposedCode);
        Assert.Contains("no API key is set", exposedError, StringComparison.Ordinal);

        var (badCode, _, badError) = await PluginAICli.RunAsync(_home, "serve", "--urls", "localhost-8080");
        Assert.NotEqual(0, badCode);
        Assert.Contains("'localhost-8080' is not a listen address", badError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_measures_a_model_in_process_and_a_served_model_over_http()
    {
        Assert.Equal(0, (await PluginAICli.RunAsync(_home, "models", "add", "stories", SharedModels.Stories260K)).ExitCode);
        var (code, output, error) = await PluginAICli.RunAsync(_home, "bench", "-m", "stories", "--clients", "1", "2", "--requests", "2", "--max-tokens", "8", "--temperature", "0", "--json");
        Assert.True(code == 0, error);
        AssertLevels(output, expectMemory: true);

        using var server = StartServe();
        var serverErrors = new StringBuilder();
        server.ErrorDataReceived += (_, e) =>
        {
            lock (serverErrors)
            {
                serverErrors.AppendLine(e.Data);
            }
        };
        server.BeginErrorReadLine();
        try
        {
            var address = await ReadAddressAsync(server, serverErrors);
            var (urlCode, urlOutput, urlError) = await PluginAICli.RunAsync(_home, "bench", "--url", address, "-m", "stories", "--clients", "1", "2", "--requests", "2", "--max-tokens", "8", "--json");
            Assert.True(urlCode == 0, urlError);
            AssertLevels(urlOutput, expectMemory: false);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Bench_server_overhead_measures_both_paths_and_pairs_first_tokens()
    {
        Assert.Equal(0, (await PluginAICli.RunAsync(_home, "models", "add", "stories", SharedModels.Stories260K)).ExitCode);
        var (code, output, error) = await PluginAICli.RunAsync(_home, "bench", "-m", "stories", "--server-overhead", "--clients", "1", "--requests", "2", "--max-tokens", "8", "--temperature", "0", "--json");
        Assert.True(code == 0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal(16, root.GetProperty("inProcess")[0].GetProperty("tokens").GetInt64());
        Assert.Equal(16, root.GetProperty("server")[0].GetProperty("tokens").GetInt64());
        var paired = root.GetProperty("paired");
        Assert.Equal(10, paired.GetProperty("pairs").GetInt32());
        Assert.True(paired.GetProperty("addedTimeToFirstTokenP90Ms").GetDouble() >= paired.GetProperty("addedTimeToFirstTokenP50Ms").GetDouble());

        var (missingCode, _, missingError) = await PluginAICli.RunAsync(_home, "bench", "--server-overhead", "--json");
        Assert.NotEqual(0, missingCode);
        Assert.Contains("--server-overhead needs --model", missingError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_postprocessor_cost_alternates_requests_with_and_without_the_chain()
    {
        Assert.Equal(0, (await PluginAICli.RunAsync(_home, "models", "add", "stories", SharedModels.Stories260K)).ExitCode);
        var (code, output, error) = await PluginAICli.RunAsync(_home, "bench", "-m", "stories", "--postprocessor-cost", "--requests", "1", "--max-tokens", "8", "--temperature", "0", "--json");
        Assert.True(code == 0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal(10, root.GetProperty("pairs").GetInt32());
        Assert.NotEmpty(root.GetProperty("postprocessors").EnumerateArray());
        Assert.True(root.GetProperty("tokensPerSecondWithout").GetDouble() > 0);
        Assert.True(root.GetProperty("tokensPerSecondWith").GetDouble() > 0);
        Assert.InRange(root.GetProperty("ratioMedian").GetDouble(), root.GetProperty("ratioMin").GetDouble(), root.GetProperty("ratioMax").GetDouble());
    }

    private static void AssertLevels(string output, bool expectMemory)
    {
        using var document = JsonDocument.Parse(output);
        var levels = document.RootElement.GetProperty("levels").EnumerateArray().ToList();
        Assert.Equal([1, 2], levels.Select(l => l.GetProperty("clients").GetInt32()));
        foreach (var level in levels)
        {
            Assert.Equal(level.GetProperty("clients").GetInt32() * 2, level.GetProperty("requests").GetInt32());
            Assert.Equal(level.GetProperty("requests").GetInt32() * 8, level.GetProperty("tokens").GetInt64());
            Assert.True(level.GetProperty("timeToFirstTokenP50Ms").GetDouble() > 0);
            Assert.True(level.GetProperty("tokensPerSecond").GetDouble() > 0);
            Assert.Equal(expectMemory, level.TryGetProperty("peakMemoryBytes", out _));
        }
    }

    private Process StartServe()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { PluginAICli.Path, "serve", "--urls", "http://127.0.0.1:0", "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PLUGINAI_HOME"] = _home;
        return Process.Start(start)!;
    }

    private static async Task<string> ReadAddressAsync(Process server, StringBuilder errors)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var json = new StringBuilder();
        try
        {
            while (await server.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                json.AppendLine(line);
                if (line == "}")
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        Assert.True(json.ToString().TrimEnd().EndsWith('}'), $"serve printed no address within a minute: {json} {errors}");
        using var document = JsonDocument.Parse(json.ToString());
        return document.RootElement.GetProperty("addresses")[0].GetString()!;
    }
}
