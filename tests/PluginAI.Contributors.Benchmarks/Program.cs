// Generates a repository with many commits through git fast-import (seconds, where one `git commit` per commit
// would take minutes), then times GitHistoryReader and scoring over it.
// Usage: dotnet run -c Release --project tests/PluginAI.Contributors.Benchmarks -- [commits=10000] [rounds=5]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using PluginAI.Contributors;

var commits = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var folder = Directory.CreateTempSubdirectory("pluginai-contrib-bench-").FullName;
try
{
    var generate = Stopwatch.StartNew();
    Git(folder, null, "init", "--quiet", "--initial-branch=main");
    Git(folder, FastImportStream(commits), "fast-import", "--quiet");
    Git(folder, null, "reset", "--quiet", "--hard", "main");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generated {commits} commits in {generate.Elapsed.TotalSeconds:0.00} s"));

    var reader = new GitHistoryReader();
    var times = new List<double>();
    ContributorHistory? history = null;
    for (var round = 0; round < rounds; round++)
    {
        var watch = Stopwatch.StartNew();
        history = await reader.ReadAsync(folder);
        var scores = ContributorScoring.Score(history.Contributors, ContributionWeights.Default);
        _ = AmountSplitter.Split(10_000m, 2, scores);
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    // git's own share of the time: the same log written to nowhere.
    var gitOnly = Stopwatch.StartNew();
    Git(folder, null, "log", "--no-merges", "--numstat", "--use-mailmap", "--format=%x1e%aN%x1f%aE", "--output=" + Path.Combine(folder, ".git", "log.txt"));
    var gitMs = gitOnly.Elapsed.TotalMilliseconds;

    times.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"stats over {history!.CommitsRead} commits, {history.Contributors.Count} contributors: median {times[times.Count / 2]:0} ms, best {times[0]:0} ms, worst {times[^1]:0} ms ({rounds} rounds, first includes JIT); git log alone {gitMs:0} ms"));
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static string FastImportStream(int commits)
{
    var random = new Random(1234);
    var stream = new StringBuilder();
    var invariant = CultureInfo.InvariantCulture;
    for (var i = 1; i <= commits; i++)
    {
        var author = random.Next(25);
        var email = author == 24 ? "49699333+dependabot[bot]@users.noreply.github.com" : $"dev{author}@example.com";
        var name = author == 24 ? "dependabot[bot]" : $"Developer {author}";
        stream.Append(invariant, $"commit refs/heads/main\nauthor {name} <{email}> {1_600_000_000 + (i * 600)} +0000\n");
        stream.Append(invariant, $"committer {name} <{email}> {1_600_000_000 + (i * 600)} +0000\ndata 9\ncommit {i % 10}\n");
        var files = random.Next(1, 5);
        for (var f = 0; f < files; f++)
        {
            var kind = random.Next(10);
            var path = kind switch
            {
                < 6 => $"src/Module{random.Next(40)}/File{random.Next(30)}.cs",
                < 8 => $"docs/page{random.Next(50)}.md",
                8 => $"src/Generated/Model{random.Next(10)}.g.cs",
                _ => $"README.md",
            };
            var lines = random.Next(1, 40);
            var content = new StringBuilder();
            for (var l = 0; l < lines; l++)
            {
                content.Append(invariant, $"line {l} of commit {i}\n");
            }

            stream.Append(invariant, $"M 100644 inline {path}\ndata {Encoding.UTF8.GetByteCount(content.ToString())}\n").Append(content).Append('\n');
        }
    }

    return stream.ToString();
}

static void Git(string folder, string? input, params string[] arguments)
{
    var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardInput = input is not null, UseShellExecute = false };
    foreach (var argument in arguments)
    {
        start.ArgumentList.Add(argument);
    }

    using var process = Process.Start(start)!;
    if (input is not null)
    {
        process.StandardInput.Write(input);
        process.StandardInput.Close();
    }

    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed with exit code {process.ExitCode}");
    }
}
