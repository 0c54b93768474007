using System.Text;

namespace PluginAI.Contributors.Tests;

public sealed class ContributorStatisticsTests : IDisposable
{
    private const string IssuesJson = """
        [
          { "number": 1, "user": { "login": "alice" }, "created_at": "2024-02-01T10:00:00Z" },
          { "number": 2, "user": { "login": "bob" }, "created_at": "2024-02-02T10:00:00Z" },
          { "number": 3, "user": { "login": "Bob" }, "created_at": "2024-02-03T10:00:00Z" },
          { "number": 4, "user": { "login": "carol" }, "created_at": "2024-02-04T10:00:00Z" },
          { "number": 5, "user": { "login": "carol" }, "created_at": "2024-02-05T10:00:00Z", "pull_request": { "url": "https://example.invalid/pulls/5" } },
          { "number": 6, "user": { "login": "dependabot[bot]" }, "created_at": "2024-02-06T10:00:00Z" },
          { "number": 7, "user": { "login": "alice" }, "created_at": "2023-01-01T10:00:00Z" }
        ]
        """;

    private static readonly ContributorStatisticsOptions s_period = new() { Since = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero) };

    private readonly GitRepository _repository = GitRepository.Create();

    public ContributorStatisticsTests()
    {
        // Before the period: not counted.
        _repository.Commit("Dave", "dave@example.com", "2023-06-01T12:00:00Z", ("src/old.cs", "old\n"));

        _repository.Commit("Alice Liddell", "alice@example.com", "2024-01-02T12:00:00Z", ("src/a.cs", "1\n2\n3\n"));
        _repository.Commit("Alice Liddell", "alice@example.com", "2024-01-03T12:00:00Z", ("src/b.cs", "1\n2\n"));
        _repository.Commit("Alice Liddell", "alice@example.com", "2024-01-04T12:00:00Z", ("src/a.cs", "1\n2\n3\n4\n"), ("docs/guide.md", "# Guide\ntext\n"));

        // Bob under two addresses, merged by .mailmap; the generated file does not make his commit a code commit.
        _repository.Commit("Bob Builder", "bob@old.example", "2024-01-05T12:00:00Z", ("README.md", "readme\n"));
        _repository.Commit("Bob Builder", "bob@example.com", "2024-01-06T12:00:00Z", ("docs/x.md", "x\n"), ("src/Form.Designer.cs", "generated\n"));

        _repository.Commit("Carol", "12345+carol@users.noreply.github.com", "2024-01-07T12:00:00Z", ("src/c.cs", "c\n"), ("vendor/lib.js", "vendored\n"));
        _repository.Commit("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", "2024-01-08T12:00:00Z", ("package-lock.json", "{}\n"), ("src/deps.props", "<x/>\n"));

        // git reads .mailmap from the working tree, so it need not be committed.
        _repository.Write(".mailmap", "Bob Builder <bob@example.com> <bob@old.example>\n");
    }

    public void Dispose() => _repository.Dispose();

    [Fact]
    public async Task Read_CountsCodeDocsAndMixedCommits_MergesMailmap_SkipsBotsGeneratedAndOldCommits()
    {
        var history = await new GitHistoryReader(s_period).ReadAsync(_repository.Path);

        Assert.False(history.IsShallow);
        Assert.Equal(7, history.CommitsRead);
        Assert.Equal(1, history.BotCommits);
        Assert.Equal(["alice@example.com", "12345+carol@users.noreply.github.com", "bob@example.com"], history.Contributors.Select(c => c.Id));

        var alice = history.Contributors[0];
        Assert.Equal(("Alice Liddell", 3, 1), (alice.Name, alice.CodeCommits, alice.DocCommits));
        Assert.Equal((6L, 0L, 2L, 0L), (alice.CodeLinesAdded, alice.CodeLinesRemoved, alice.DocLinesAdded, alice.DocLinesRemoved));

        var bob = history.Contributors[2];
        Assert.Equal((0, 2, 0L, 2L), (bob.CodeCommits, bob.DocCommits, bob.CodeLinesAdded, bob.DocLinesAdded));

        var carol = history.Contributors[1];
        Assert.Equal((1, 0, 1L), (carol.CodeCommits, carol.DocCommits, carol.CodeLinesAdded));
    }

    [Fact]
    public async Task Score_HandComputedCase_GivesExactRawScoresSharesAndSplit()
    {
        var history = await new GitHistoryReader(s_period).ReadAsync(_repository.Path);
        var issues = IssueImporter.ReadJson(Encoding.UTF8.GetBytes(IssuesJson), "issues.json");
        var contributors = IssueImporter.AddIssues(history.Contributors, issues, s_period);
        var scores = ContributorScoring.Score(contributors, ContributionWeights.Default).ToDictionary(s => s.Statistics.Name);

        // Counts in the period (pull request #5, the bot's issue and Alice's 2023 issue are not counted):
        //   Alice: code 3, issues 1, docs 1;  Bob: code 0, issues 2, docs 2;  Carol: code 1, issues 1, docs 0.
        //   Totals: code 4, issues 4, docs 3.
        // Raw = code×0.6 + issues×0.3 + docs×0.1:
        //   Alice 1.8 + 0.3 + 0.1 = 2.2;  Bob 0 + 0.6 + 0.2 = 0.8;  Carol 0.6 + 0.3 + 0 = 0.9.
        // Share = 0.6×code/4 + 0.3×issues/4 + 0.1×docs/3:
        //   Alice 0.45 + 0.075 + 1/30 = 67/120;  Bob 0 + 0.15 + 2/30 = 26/120;  Carol 0.15 + 0.075 + 0 = 27/120.
        Assert.Equal(3, scores.Count);
        Assert.Equal((3, 1, 1), (scores["Alice Liddell"].Statistics.CodeCommits, scores["Alice Liddell"].Statistics.Issues, scores["Alice Liddell"].Statistics.DocCommits));
        Assert.Equal((0, 2, 2), (scores["Bob Builder"].Statistics.CodeCommits, scores["Bob Builder"].Statistics.Issues, scores["Bob Builder"].Statistics.DocCommits));
        Assert.Equal((1, 1, 0), (scores["Carol"].Statistics.CodeCommits, scores["Carol"].Statistics.Issues, scores["Carol"].Statistics.DocCommits));
        Assert.Equal(2.2, scores["Alice Liddell"].RawScore, 12);
        Assert.Equal(0.8, scores["Bob Builder"].RawScore, 12);
        Assert.Equal(0.9, scores["Carol"].RawScore, 12);
        Assert.Equal(67.0 / 120, scores["Alice Liddell"].Share, 12);
        Assert.Equal(26.0 / 120, scores["Bob Builder"].Share, 12);
        Assert.Equal(27.0 / 120, scores["Carol"].Share, 12);

        // 10,000.00 EUR = 1,000,000 cents. Quotas: Alice 558,333.33, Bob 216,666.67, Carol 225,000.
        // Floors sum to 999,999; the one cent left goes to the largest remainder, Bob's 0.67.
        var split = AmountSplitter.Split(10_000m, 2, [.. scores.Values]).ToDictionary(p => p.Name, p => p.Amount);
        Assert.Equal(5583.33m, split["Alice Liddell"]);
        Assert.Equal(2166.67m, split["Bob Builder"]);
        Assert.Equal(2250.00m, split["Carol"]);
        Assert.Equal(10_000m, split.Values.Sum());
    }

    [Fact]
    public async Task Read_ShallowClone_ReportsPartialHistory()
    {
        var clone = Path.Combine(Path.GetTempPath(), "pluginai-contrib-clone-" + Guid.NewGuid().ToString("N"));
        GitRepository.Run(Path.GetTempPath(), null, "clone", "--quiet", "--depth", "1", "file://" + _repository.Path, clone);
        using var cloned = GitRepository.Wrap(clone);

        var history = await new GitHistoryReader().ReadAsync(clone);

        Assert.True(history.IsShallow);
        Assert.Equal(1, history.CommitsRead);
    }

    [Fact]
    public async Task Read_FolderOutsideGit_FailsWithOneLineMessage()
    {
        var folder = Directory.CreateTempSubdirectory("pluginai-contrib-plain-");
        try
        {
            var ex = await Assert.ThrowsAsync<PluginException>(() => new GitHistoryReader().ReadAsync(folder.FullName));
            Assert.Contains("is not a git repository", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', ex.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Read_RepositoryWithoutCommits_IsEmpty()
    {
        using var empty = GitRepository.Create();
        var history = await new GitHistoryReader().ReadAsync(empty.Path);
        Assert.Empty(history.Contributors);
    }
}
