using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace PluginAI.Server.Tests;

/// <summary>The npm <c>openai</c> package, run by Node, streams a chat completion from the server.</summary>
public sealed class NodeClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static string Folder => typeof(NodeClientTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NodeClientFolder").Value!;

    [Fact]
    public async Task The_npm_openai_package_streams_a_chat_completion()
    {
        Assert.True(
            Directory.Exists(Path.Combine(Folder, "node_modules", "openai")),
            $"The npm openai package is not installed in {Folder}; run 'npm ci' there (.ci/run does).");
        var start = new ProcessStartInfo("node", Path.Combine(Folder, "chat-stream.mjs"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Folder,
        };
        start.Environment["PLUGINAI_BASE_URL"] = fixture.Host.ApiBase.ToString();
        start.Environment["PLUGINAI_MODEL"] = ServerHost.Model;
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"node exited with {process.ExitCode}: {await errors}");

        using var result = JsonDocument.Parse(await output);
        var root = result.RootElement;
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("text").GetString()));
        Assert.Equal("length", root.GetProperty("finish").GetString());
        Assert.True(root.GetProperty("chunks").GetInt32() >= 3);
        Assert.Equal(16, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }
}
