using System.Diagnostics;

namespace PluginAI.Contributors.Tests;

/// <summary>A throw-away git repository whose commits have chosen authors and dates.</summary>
internal sealed class GitRepository : IDisposable
{
    private GitRepository(string path) => Path = path;

    public string Path { get; }

    public static GitRepository Create()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pluginai-contrib-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var repository = new GitRepository(path);
        repository.Git(null, "init", "--quiet", "--initial-branch=main");
        return repository;
    }

    public static GitRepository Wrap(string path) => new(path);

    public void Write(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    /// <summary>Writes the files and commits them as the given author at the given date (committer the same).</summary>
    public void Commit(string name, string email, string date, params (string Path, string Content)[] files)
    {
        foreach (var (path, content) in files)
        {
            Write(path, content);
        }

        Git(null, "add", "-A");
        Git(new Dictionary<string, string>
        {
            ["GIT_AUTHOR_NAME"] = name,
            ["GIT_AUTHOR_EMAIL"] = email,
            ["GIT_AUTHOR_DATE"] = date,
            ["GIT_COMMITTER_NAME"] = name,
            ["GIT_COMMITTER_EMAIL"] = email,
            ["GIT_COMMITTER_DATE"] = date,
        }, "commit", "--quiet", "--no-gpg-sign", "-m", "change");
    }

    public string Git(IDictionary<string, string>? environment, params string[] arguments) => Run(Path, environment, arguments);

    public static string Run(string workingDirectory, IDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Keep the user's and the machine's git configuration out of the tests.
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_AUTHOR_NAME"] = "Setup";
        start.Environment["GIT_AUTHOR_EMAIL"] = "setup@example.com";
        start.Environment["GIT_COMMITTER_NAME"] = "Setup";
        start.Environment["GIT_COMMITTER_EMAIL"] = "setup@example.com";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {error}");
        }

        return output.Result;
    }

    public void Dispose()
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
            {
                // git makes its object files read-only, which Windows refuses to delete.
                File.SetAttributes(file, FileAttributes.Normal);
            }

            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
