using System.Text;
using System.Xml.Linq;
using PluginAI.Manifest;

namespace PluginAI.Contributors.Tests;

public sealed class ParsingTests
{
    [Theory]
    [InlineData("src/Program.cs", FileCategory.Code)]
    [InlineData("docs/guide/intro.txt", FileCategory.Docs)]
    [InlineData("src/Lib/README.md", FileCategory.Docs)]
    [InlineData("README", FileCategory.Docs)]
    [InlineData("LICENSE.txt", FileCategory.Docs)]
    [InlineData("notes/design.rst", FileCategory.Docs)]
    [InlineData("src/Form1.Designer.cs", FileCategory.Excluded)]
    [InlineData("obj/Generated.g.cs", FileCategory.Excluded)]
    [InlineData("vendor/lib/a.c", FileCategory.Excluded)]
    [InlineData("web/node_modules/x/index.js", FileCategory.Code)]
    [InlineData("node_modules/x/index.js", FileCategory.Excluded)]
    [InlineData("web/package-lock.json", FileCategory.Excluded)]
    [InlineData("Cargo.lock", FileCategory.Excluded)]
    [InlineData("vendor/README.md", FileCategory.Excluded)]
    public void Classify_DefaultPatterns(string path, FileCategory expected) =>
        Assert.Equal(expected, new FileClassifier(new ContributorStatisticsOptions()).Classify(path));

    [Fact]
    public void Classify_CustomPatternsReplaceDefaults()
    {
        var classifier = new FileClassifier(new ContributorStatisticsOptions { DocumentationPatterns = ["**/*.txt"], ExcludedPatterns = ["gen/**"] });
        Assert.Equal(FileCategory.Docs, classifier.Classify("a/b/notes.txt"));
        Assert.Equal(FileCategory.Code, classifier.Classify("README.md"));
        Assert.Equal(FileCategory.Excluded, classifier.Classify("gen/x.cs"));
    }

    [Theory]
    [InlineData("dependabot[bot]", true)]
    [InlineData("49699333+dependabot[bot]@users.noreply.github.com", true)]
    [InlineData("renovate-bot", true)]
    [InlineData("github-actions", true)]
    [InlineData("Bob Builder", false)]
    [InlineData("bot@example.com", false)]
    public void IsBot_DefaultPatterns(string identity, bool expected) => Assert.Equal(expected, new GitHistoryReader().IsBot(identity));

    [Theory]
    [InlineData("src/a.cs", "src/a.cs")]
    [InlineData("old.md => new.md", "new.md")]
    [InlineData("src/{Old => New}/a.cs", "src/New/a.cs")]
    [InlineData("src/{ => sub}/a.cs", "src/sub/a.cs")]
    [InlineData("\"docs/odd name.md\"", "docs/odd name.md")]
    public void RenamedPath_TakesTheNewPath(string numstatPath, string expected) => Assert.Equal(expected, GitHistoryReader.RenamedPath(numstatPath));

    [Fact]
    public async Task Parse_BinaryFilesAndRenames_AreCountedWithoutLines()
    {
        const string log = "\u001eAnn\u001fann@example.com\n\n-\t-\tdocs/logo.png\n3\t1\tsrc/{a => b}/c.cs\n\u001eAnn\u001fann@example.com\n\u001eBen\u001fben@example.com\n\n2\t0\tvendor/x.c\n";
        var history = await new GitHistoryReader().ParseAsync(new StringReader(log), CancellationToken.None);

        var ann = Assert.Single(history.Contributors);
        Assert.Equal((1, 1, 3L, 1L, 0L), (ann.CodeCommits, ann.DocCommits, ann.CodeLinesAdded, ann.CodeLinesRemoved, ann.DocLinesAdded));
        Assert.Equal(3, history.CommitsRead);
    }

    [Theory]
    [InlineData("code=0.5,issues=0.3,docs=0.1")]
    [InlineData("code=0.6,issues=0.3,docs=0.2")]
    [InlineData("code=0.6,issues=0.3,docs=0.1000001")]
    public void Weights_NotSummingToOne_AreAnErrorNamingThem(string text)
    {
        var ex = Assert.Throws<PluginException>(() => ContributionWeights.Parse(text));
        Assert.Contains("weights " + text, ex.Message, StringComparison.Ordinal);
        Assert.Contains("not 1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("code=0.7,issues=0.2,docs=0.1", 0.7, 0.2, 0.1)]
    [InlineData("docs=0.1, issues=0.3, code=0.6", 0.6, 0.3, 0.1)]
    [InlineData("code=0.5,issues=0.5,docs=0", 0.5, 0.5, 0)]
    public void Weights_SummingToOneWithinTolerance_Parse(string text, double code, double issues, double docs) =>
        Assert.Equal(new ContributionWeights(code, issues, docs), ContributionWeights.Parse(text));

    [Theory]
    [InlineData("code=abc")]
    [InlineData("lines=0.5")]
    [InlineData("code=-0.1,issues=1,docs=0.1")]
    public void Weights_Malformed_AreAnError(string text) => Assert.Throws<PluginException>(() => ContributionWeights.Parse(text));

    [Fact]
    public void Issues_JsonItemWithoutUser_NamesFileAndItem()
    {
        var json = """[{ "user": { "login": "a" }, "created_at": "2024-01-01T00:00:00Z" }, { "created_at": "2024-01-01T00:00:00Z" }]""";
        var ex = Assert.Throws<InvalidDataException>(() => IssueImporter.ReadJson(Encoding.UTF8.GetBytes(json), "export.json"));
        Assert.Equal("issues file 'export.json', item 1: missing user.login", ex.Message);
    }

    [Fact]
    public void Issues_InvalidJson_NamesFile()
    {
        var ex = Assert.Throws<InvalidDataException>(() => IssueImporter.ReadJson(Encoding.UTF8.GetBytes("[{"), "export.json"));
        Assert.StartsWith("issues file 'export.json' is not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issues_Csv_ReadsWithHeaderAndNamesBadLine()
    {
        var issues = IssueImporter.ReadCsv(new StringReader("login,created_at\nalice,2024-01-02\nbob,2024-01-03T10:00:00Z\n"), "issues.csv");
        Assert.Equal(["alice", "bob"], issues.Select(i => i.Login));

        var ex = Assert.Throws<InvalidDataException>(() => IssueImporter.ReadCsv(new StringReader("login,created_at\nalice,2024-01-02\nbob,yesterday\n"), "issues.csv"));
        Assert.Equal("issues file 'issues.csv', line 3: 'yesterday' is not a date", ex.Message);
    }

    [Fact]
    public void Issues_FromUnknownLogins_BecomeIssuesOnlyContributors()
    {
        var contributors = IssueImporter.AddIssues([], [new ImportedIssue("eve", DateTimeOffset.UnixEpoch)], new ContributorStatisticsOptions());
        var eve = Assert.Single(contributors);
        Assert.Equal(("eve", 1, 0), (eve.Id, eve.Issues, eve.CodeCommits));
    }

    [Fact]
    public void Score_CategoryWithNoActivity_GivesItsWeightToTheOthers()
    {
        // No issues at all: code and docs keep their 0.6 : 0.1 ratio, rescaled to sum to 1.
        var scores = ContributorScoring.Score([Stats("a", code: 1), Stats("b", docs: 1)], ContributionWeights.Default);
        Assert.Equal(6.0 / 7, scores.Single(s => s.Statistics.Id == "a").Share, 12);
        Assert.Equal(1.0 / 7, scores.Single(s => s.Statistics.Id == "b").Share, 12);
    }

    [Fact]
    public void Split_EqualShares_SumsExactly()
    {
        var parts = AmountSplitter.Split(100m, 2, [Score("a", 1.0 / 3), Score("b", 1.0 / 3), Score("c", 1.0 / 3)]);
        Assert.Equal([33.34m, 33.33m, 33.33m], parts.Select(p => p.Amount));
        Assert.Equal("33.34", parts[0].Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Split_ManyAmountsAndShares_AlwaysSumsExactly()
    {
        var random = new Random(42);
        for (var round = 0; round < 500; round++)
        {
            var weights = Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.NextDouble()).ToArray();
            var total = weights.Sum();
            var scores = weights.Select((w, i) => Score("c" + i, w / total)).ToList();
            var amount = random.Next(0, 10_000_000) / 100m;
            var parts = AmountSplitter.Split(amount, 2, scores);
            Assert.Equal(amount, parts.Sum(p => p.Amount));
            Assert.All(parts, p => Assert.Equal(p.Amount, decimal.Round(p.Amount, 2)));
        }
    }

    [Fact]
    public void Split_ZeroDecimalCurrencyAndTooManyDecimals()
    {
        Assert.Equal(0, AmountSplitter.MinorUnitDecimals("JPY"));
        Assert.Equal(2, AmountSplitter.MinorUnitDecimals("EUR"));
        Assert.Equal([2m, 1m], AmountSplitter.Split(3m, 0, [Score("a", 0.5), Score("b", 0.5)]).Select(p => p.Amount));
        Assert.Throws<PluginException>(() => AmountSplitter.Split(1.005m, 2, [Score("a", 1)]));
    }

    [Fact]
    public void Svg_IsValidXmlWithEscapedNames()
    {
        var writer = new StringWriter();
        ContributorReportWriter.WriteSvg(writer, [Score("x", 0.75, "<Eve & \"co\">"), Score("y", 0.25, "Zoë")]);
        var svg = XDocument.Parse(writer.ToString());
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "<Eve & \"co\">");
        Assert.Equal(2, svg.Descendants(ns + "rect").Count());
    }

    [Fact]
    public void Csv_QuotesFieldsThatNeedIt()
    {
        var writer = new StringWriter();
        ContributorReportWriter.WriteCsv(writer, [Score("a@example.com", 1, "Doe, \"Jo\"")]);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,name,code_commits", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("a@example.com,\"Doe, \"\"Jo\"\"\",", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void ManifestSection_CarriesWeightsAndShares()
    {
        var section = ContributorScoring.ToManifestSection([Score("a", 1)], new ContributionWeights(0.5, 0.25, 0.25), null, DateTimeOffset.UnixEpoch);
        Assert.Equal((0.5, 0.25, 0.25), (section.CodeWeight, section.IssuesWeight, section.DocsWeight));
        Assert.Equal(1, Assert.Single(section.Entries).Share);
        Assert.IsType<ContributorsSection>(section);
    }

    private static ContributorStatistics Stats(string id, int code = 0, int docs = 0, int issues = 0) =>
        new() { Id = id, Name = id, CodeCommits = code, DocCommits = docs, Issues = issues };

    private static ContributorScore Score(string id, double share, string? name = null) =>
        new(new ContributorStatistics { Id = id, Name = name ?? id }, 0, share);
}
