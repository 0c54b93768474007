using System.Globalization;
using PluginAI.Contributors.Internal;
using PluginAI.Retrieval;

namespace PluginAI.Contributors;

/// <summary>
/// Reads per-contributor commit statistics from a git repository with one <c>git log --numstat</c> process,
/// parsed as it streams. Identities are merged through the repository's <c>.mailmap</c>.
/// </summary>
/// <remarks>Instances hold no state between calls and may be shared between threads.</remarks>
public sealed class GitHistoryReader
{
    private const char CommitMarker = '\u001e';
    private const char FieldSeparator = '\u001f';

    private readonly ContributorStatisticsOptions _options;
    private readonly FileClassifier _classifier;
    private readonly PathGlob _bots;

    /// <summary>Initializes a new instance of the <see cref="GitHistoryReader"/> class.</summary>
    /// <param name="options">The period, bot patterns and file classification; defaults when <see langword="null"/>.</param>
    public GitHistoryReader(ContributorStatisticsOptions? options = null)
    {
        _options = options ?? new ContributorStatisticsOptions();
        _classifier = new FileClassifier(_options);
        _bots = PathGlob.ParseAny(_options.BotPatterns);
    }

    /// <summary>Returns whether a name, e-mail address or login matches a bot pattern.</summary>
    /// <param name="identity">The name, address or login.</param>
    /// <returns><see langword="true"/> for a bot.</returns>
    public bool IsBot(string identity) => _bots.IsMatch(identity);

    /// <summary>Reads the statistics of the repository at <paramref name="repository"/>.</summary>
    /// <param name="repository">A folder inside a git working tree, or a bare repository.</param>
    /// <param name="cancellationToken">Cancels the read and stops git.</param>
    /// <returns>The statistics per contributor.</returns>
    /// <exception cref="PluginException">The folder is not a git repository, or git failed.</exception>
    public async Task<ContributorHistory> ReadAsync(string repository, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(repository);
        var full = Path.GetFullPath(repository);
        if (!Directory.Exists(full))
        {
            throw new PluginException($"'{repository}' does not exist") { FilePath = full, ErrorCode = "contributors.not-a-repository" };
        }

        var git = _options.GitExecutable;
        var check = await GitProcess.RunAsync(git, full, ["rev-parse", "--is-shallow-repository"], cancellationToken).ConfigureAwait(false);
        if (check.ExitCode != 0)
        {
            throw new PluginException($"'{repository}' is not a git repository") { FilePath = full, ErrorCode = "contributors.not-a-repository" };
        }

        var shallow = check.Out.Trim() == "true";
        var head = await GitProcess.RunAsync(git, full, ["rev-parse", "--verify", "--quiet", "HEAD"], cancellationToken).ConfigureAwait(false);
        if (head.ExitCode != 0)
        {
            return new ContributorHistory { Contributors = [], IsShallow = shallow };
        }

        var arguments = new List<string> { "log", "--no-merges", "--numstat", "--use-mailmap", "--no-color", $"--format={CommitMarker}%aN{FieldSeparator}%aE" };
        if (_options.Since is { } since)
        {
            arguments.Add("--since=" + since.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));
        }

        if (_options.Until is { } until)
        {
            arguments.Add("--until=" + until.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));
        }

        using var process = GitProcess.Start(git, full, arguments);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        ContributorHistory history;
        try
        {
            history = await ParseAsync(process.StandardOutput, cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            var message = (await error.ConfigureAwait(false)).Trim().Split('\n')[0];
            throw new PluginException($"git log failed in '{repository}': {message}") { FilePath = full, ErrorCode = "contributors.git-failed" };
        }

        return history with { IsShallow = shallow };
    }

    internal async Task<ContributorHistory> ParseAsync(TextReader reader, CancellationToken cancellationToken)
    {
        var byId = new Dictionary<string, Tally>(StringComparer.Ordinal);
        Tally? current = null;
        bool touchedCode = false, touchedDocs = false;
        int commits = 0, bots = 0;

        void FinishCommit()
        {
            if (current is not null)
            {
                current.CodeCommits += touchedCode ? 1 : 0;
                current.DocCommits += touchedDocs ? 1 : 0;
            }

            touchedCode = touchedDocs = false;
        }

        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == CommitMarker)
            {
                FinishCommit();
                commits++;
                var separator = line.IndexOf(FieldSeparator, StringComparison.Ordinal);
                var name = line[1..separator];
                var email = line[(separator + 1)..];
                if (_bots.IsMatch(name) || _bots.IsMatch(email))
                {
                    bots++;
                    current = null;
                    continue;
                }

                var id = (email.Length > 0 ? email : name).ToLowerInvariant();
                if (!byId.TryGetValue(id, out current))
                {
                    // git log lists newest first, so the first name seen is the one in use now.
                    current = new Tally(id, name);
                    byId.Add(id, current);
                }

                continue;
            }

            if (current is null)
            {
                continue;
            }

            var (added, removed, path) = ParseNumstat(line);
            switch (_classifier.Classify(path))
            {
                case FileCategory.Code:
                    touchedCode = true;
                    current.CodeAdded += added;
                    current.CodeRemoved += removed;
                    break;
                case FileCategory.Docs:
                    touchedDocs = true;
                    current.DocAdded += added;
                    current.DocRemoved += removed;
                    break;
                default:
                    break;
            }
        }

        FinishCommit();
        var contributors = byId.Values
            .Where(t => t.CodeCommits + t.DocCommits > 0)
            .Select(t => t.ToStatistics())
            .OrderByDescending(s => s.CodeCommits).ThenByDescending(s => s.DocCommits).ThenBy(s => s.Id, StringComparer.Ordinal)
            .ToList();
        return new ContributorHistory { Contributors = contributors, CommitsRead = commits, BotCommits = bots };
    }

    private static (long Added, long Removed, string Path) ParseNumstat(string line)
    {
        var first = line.IndexOf('\t', StringComparison.Ordinal);
        var second = first < 0 ? -1 : line.IndexOf('\t', first + 1);
        if (second < 0)
        {
            throw new PluginException($"unexpected line in git log output: '{line}'") { ErrorCode = "contributors.git-output" };
        }

        // Binary files report "-" for both counts: they count as a change but add no lines.
        _ = long.TryParse(line.AsSpan(0, first), NumberStyles.None, CultureInfo.InvariantCulture, out var added);
        _ = long.TryParse(line.AsSpan(first + 1, second - first - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var removed);
        return (added, removed, RenamedPath(line[(second + 1)..]));
    }

    /// <summary>Turns git's rename notation (<c>a => b</c>, <c>dir/{a => b}/f</c>) into the new path.</summary>
    internal static string RenamedPath(string path)
    {
        if (path.Length > 1 && path[0] == '"' && path[^1] == '"')
        {
            path = path[1..^1];
        }

        var arrow = path.IndexOf(" => ", StringComparison.Ordinal);
        if (arrow < 0)
        {
            return path;
        }

        var open = path.LastIndexOf('{', arrow);
        var close = path.IndexOf('}', arrow);
        if (open >= 0 && close > arrow)
        {
            var replaced = path[..open] + path[(arrow + 4)..close] + path[(close + 1)..];
            return replaced.Replace("//", "/", StringComparison.Ordinal);
        }

        return path[(arrow + 4)..];
    }

    private sealed class Tally(string id, string name)
    {
        public int CodeCommits { get; set; }

        public int DocCommits { get; set; }

        public long CodeAdded { get; set; }

        public long CodeRemoved { get; set; }

        public long DocAdded { get; set; }

        public long DocRemoved { get; set; }

        public ContributorStatistics ToStatistics() => new()
        {
            Id = id,
            Name = name,
            CodeCommits = CodeCommits,
            DocCommits = DocCommits,
            CodeLinesAdded = CodeAdded,
            CodeLinesRemoved = CodeRemoved,
            DocLinesAdded = DocAdded,
            DocLinesRemoved = DocRemoved,
        };
    }
}
