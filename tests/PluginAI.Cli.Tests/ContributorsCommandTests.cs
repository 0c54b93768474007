using System.Diagnostics;
using System.Text.Json;

namespace PluginAI.Cli.Tests;

public sealed class ContributorsCommandTests : IDisposable
{
    private readonly string _root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pluginai-contrib-cli", Guid.NewGuid().ToString("N"));

    public ContributorsCommandTests()
    {
        Directory.CreateDirectory(_root);
        Git("init", "-q", "-b", "main");
        Commit("Ada", "ada@example.com", "src/a.cs", "class A {}\n");
        Commit("Ada", "ada@example.com", "src/b.cs", "class B {}\n");
        Commit("Bob", "bob@example.com", "docs/guide.md", "# Guide\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task ReportJson_SplitsTheAmountExactlyByShare()
    {
        var (exit, output, error) = await PluginAICli.RunAsync(System.IO.Path.Combine(_root, "home"), "contributors", "report", _root, "--amount", "100", "--currency", "EUR", "--weights", "code=0.6,issues=0.3,docs=0.1", "--json");

        Assert.True(exit == 0, error);
        // No issues in the period, so code and docs share the weights 0.6 : 0.1. Ada wrote all the code, Bob all the docs:
        // 100 × 6/7 = 85.714… and 100 × 1/7 = 14.285… EUR; largest remainder gives the odd cent to Bob (.57 > .43).
        using var json = JsonDocument.Parse(output);
        var parts = json.RootElement.GetProperty("parts").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("amount").GetDecimal());
        Assert.Equal(85.71m, parts["ada@example.com"]);
        Assert.Equal(14.29m, parts["bob@example.com"]);
        Assert.Equal(100m, parts.Values.Sum());
    }

    [Fact]
    public async Task Stats_WeightsThatDoNotSumToOne_AreOneClearError()
    {
        var (exit, _, error) = await PluginAICli.RunAsync(System.IO.Path.Combine(_root, "home"), "contributors", "stats", _root, "--weights", "code=0.6,issues=0.3,docs=0.3");

        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("1.2", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_NotAGitRepository_IsOneClearError()
    {
        var plain = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pluginai-not-git", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(plain);
        try
        {
            var (exit, _, error) = await PluginAICli.RunAsync(System.IO.Path.Combine(_root, "home"), "contributors", "stats", plain);
            Assert.Equal(1, exit);
            Assert.Contains(plain, error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(plain);
        }
    }

    private void Commit(string name, string email, string path, string content)
    {
        var file = System.IO.Path.Combine(_root, path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content);
        Git("add", path);
        Git("-c", $"user.name={name}", "-c", $"user.email={email}", "commit", "-q", "-m", $"add {path}");
    }

    private void Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = _root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        using var process = Process.Start(start)!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
    }
}
