using PluginAI.Manifest;
using System.CommandLine;
using System.Globalization;
using PluginAI.Contributors;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai contributors</c>: contributor statistics from git history and issues, and weighted attribution.</summary>
internal static class ContributorsCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("contributors", "Count contributions in a git repository and split an amount by weighted share.");

        var stats = new Command("stats", "Show commits, issues and lines per contributor, with raw scores and normalised shares.");
        var statsOptions = new AnalysisOptions(stats);
        var statsJson = PluginAICommand.JsonOption();
        stats.Options.Add(statsJson);
        stats.SetAction(async (parse, cancellationToken) =>
        {
            var analysis = await AnalyseAsync(parse, statsOptions, console, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(statsJson))
            {
                JsonOutput.Write(console.Out, new
                {
                    analysis.Since,
                    analysis.Until,
                    weights = analysis.Weights,
                    analysis.History!.CommitsRead,
                    analysis.History.BotCommits,
                    analysis.History.IsShallow,
                    contributors = analysis.Scores.Select(s => new { s.Statistics.Id, s.Statistics.Name, s.Statistics.CodeCommits, s.Statistics.DocCommits, s.Statistics.Issues, s.Statistics.CodeLinesAdded, s.Statistics.CodeLinesRemoved, s.Statistics.DocLinesAdded, s.Statistics.DocLinesRemoved, s.RawScore, s.Share }),
                });
                return 0;
            }

            var table = new Table().RoundedBorder().Title($"[bold]Contributors[/] ({Markup.Escape(analysis.Weights.ToString())})");
            table.AddColumn("Contributor");
            foreach (var heading in new[] { "Code commits", "Doc commits", "Issues", "Code lines +/-", "Doc lines +/-", "Raw score", "Share" })
            {
                table.AddColumn(new TableColumn(heading).RightAligned());
            }

            foreach (var s in analysis.Scores)
            {
                var c = s.Statistics;
                table.AddRow(
                    new Text($"{c.Name} <{c.Id}>"),
                    new Text(Invariant($"{c.CodeCommits}")),
                    new Text(Invariant($"{c.DocCommits}")),
                    new Text(Invariant($"{c.Issues}")),
                    new Text(Invariant($"+{c.CodeLinesAdded}/-{c.CodeLinesRemoved}")),
                    new Text(Invariant($"+{c.DocLinesAdded}/-{c.DocLinesRemoved}")),
                    new Text(Invariant($"{s.RawScore:0.###}")),
                    new Text(Invariant($"{s.Share * 100:0.00}%")));
            }

            console.Console.Write(table);
            console.Console.MarkupLineInterpolated($"{analysis.History!.CommitsRead} commits read, {analysis.History.BotCommits} by bots left out.");
            return 0;
        });

        var report = new Command("report", "Split an amount between contributors by normalised share, rounded to the currency's minor unit.");
        var reportOptions = new AnalysisOptions(report);
        var amount = new Option<decimal>("--amount") { Description = "The amount to split, for example 10000.", Required = true };
        var currency = new Option<string>("--currency") { Description = "The ISO 4217 currency code, for example EUR.", Required = true };
        var reportJson = PluginAICommand.JsonOption();
        var plugin = new Option<string?>("--plugin") { Description = "Split by the statistics recorded in a plugin's package (installed, or the newest in the package sources) instead of reading a repository; Acme.Upper or Acme.Upper@1.2.0." };
        report.Options.Add(plugin);
        report.Options.Add(amount);
        report.Options.Add(currency);
        report.Options.Add(reportJson);
        report.SetAction(async (parse, cancellationToken) =>
        {
            var code = parse.GetValue(currency)!.Trim().ToUpperInvariant();
            if (code.Length != 3 || !code.All(char.IsAsciiLetterUpper))
            {
                throw new CliException($"--currency '{parse.GetValue(currency)}' is not a three-letter ISO 4217 code such as EUR");
            }

            var analysis = parse.GetValue(plugin) is { } pluginSpec
                ? await FromPluginAsync(parse, pluginSpec, cancellationToken).ConfigureAwait(false)
                : await AnalyseAsync(parse, reportOptions, console, cancellationToken).ConfigureAwait(false);
            var decimals = AmountSplitter.MinorUnitDecimals(code);
            var parts = AmountSplitter.Split(parse.GetValue(amount), decimals, analysis.Scores);
            var format = "F" + decimals.ToString(CultureInfo.InvariantCulture);
            if (parse.GetValue(reportJson))
            {
                JsonOutput.Write(console.Out, new
                {
                    amount = parse.GetValue(amount),
                    currency = code,
                    analysis.Since,
                    analysis.Until,
                    weights = analysis.Weights,
                    parts = parts.Select(p => new { p.Id, p.Name, p.Share, amount = p.Amount }),
                });
                return 0;
            }

            var table = new Table().RoundedBorder().Title($"[bold]{Markup.Escape(parse.GetValue(amount).ToString(format, CultureInfo.InvariantCulture))} {code}[/] ({Markup.Escape(analysis.Weights.ToString())})");
            table.AddColumn("Contributor");
            table.AddColumn(new TableColumn("Share").RightAligned());
            table.AddColumn(new TableColumn("Amount").RightAligned());
            foreach (var p in parts)
            {
                table.AddRow(new Text($"{p.Name} <{p.Id}>"), new Text(Invariant($"{p.Share * 100:0.00}%")), new Text($"{p.Amount.ToString(format, CultureInfo.InvariantCulture)} {code}"));
            }

            console.Console.Write(table);
            return 0;
        });

        command.Subcommands.Add(stats);
        command.Subcommands.Add(report);
        return command;
    }

    private static async Task<Analysis> FromPluginAsync(ParseResult parse, string spec, CancellationToken cancellationToken)
    {
        var (id, version) = CliParsing.PluginSpec(spec);
        var paths = RegistryFactory.Paths(parse);
        var client = RegistryFactory.Client(paths);
        PluginManifest? manifest = null;
        string? where = null;
        var installed = RegistryFactory.Installer(parse, paths, client).Find(id);
        if (installed is not null && (version is null || installed.Version == version))
        {
            var read = await ManifestReader.ReadFileAsync(Path.Combine(installed.Directory, PluginManifest.FileName), cancellationToken).ConfigureAwait(false);
            manifest = read.Manifest;
            where = $"installed in {installed.Directory}";
        }

        if (manifest is null)
        {
            var candidates = await client.GetCandidatesAsync(id, cancellationToken).ConfigureAwait(false);
            var candidate = candidates
                .Where(c => version is null || c.Version.ToNormalizedString() == version || c.Version.ToString() == version)
                .OrderByDescending(c => c.Version)
                .FirstOrDefault();
            if (candidate is null)
            {
                throw new CliException(candidates.Count == 0
                    ? $"Unknown plugin '{id}': it is not installed and no package source has it ('pluginai sources list' shows where PluginAI looked)."
                    : $"Plugin '{id}' has no version {version}; available: {string.Join(", ", candidates.Select(c => c.Version.ToNormalizedString()).Distinct())}.");
            }

            manifest = candidate.Manifest;
            where = $"package {candidate}";
        }

        var section = manifest.Contributors ?? throw new CliException($"{id} {manifest.Version} ({where}) has no contributor statistics; they are recorded when the plugin is packed ('pluginai pack --contributors <repo>' or dotnet pack inside its git repository).");
        var (weights, scores) = ContributorScoring.FromManifestSection(section);
        if (scores.Count == 0)
        {
            throw new CliException($"{id} {manifest.Version} ({where}) records no contributors.");
        }

        return new Analysis(section.Since, section.Until, weights, null, scores);
    }

    private static async Task<Analysis> AnalyseAsync(ParseResult parse, AnalysisOptions options, CliConsole console, CancellationToken cancellationToken)
    {
        var since = CliParsing.Date(parse.GetValue(options.Since), "--since", endOfDay: false);
        var until = CliParsing.Date(parse.GetValue(options.Until), "--until", endOfDay: true);
        var weightsText = parse.GetValue(options.Weights);
        var weights = weightsText is null ? ContributionWeights.Default : ContributionWeights.Parse(weightsText);
        var settings = new ContributorStatisticsOptions { Since = since, Until = until };

        var repository = parse.GetValue(options.Repository) ?? throw new CliException("Name the git repository to read, for example 'pluginai contributors stats .'.");
        var analysis = await ContributorAnalysis.RunAsync(repository.FullName, weights, settings, parse.GetValue(options.Issues)?.FullName, cancellationToken).ConfigureAwait(false);
        if (analysis.History.IsShallow)
        {
            console.Error.WriteLine($"warning: '{repository}' is a shallow clone, so its history is partial and the counts are too low; run 'git fetch --unshallow' first");
        }

        var scores = analysis.Scores;
        if (parse.GetValue(options.Csv) is { } csv)
        {
            using var writer = new StreamWriter(csv.FullName);
            ContributorReportWriter.WriteCsv(writer, scores);
        }

        if (parse.GetValue(options.Svg) is { } svg)
        {
            using var writer = new StreamWriter(svg.FullName);
            ContributorReportWriter.WriteSvg(writer, scores);
        }

        return new Analysis(since, until, weights, analysis.History, scores);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Analysis(DateTimeOffset? Since, DateTimeOffset? Until, ContributionWeights Weights, ContributorHistory? History, IReadOnlyList<ContributorScore> Scores);

    /// <summary>The argument and options <c>stats</c> and <c>report</c> share, created once per command.</summary>
    private sealed class AnalysisOptions
    {
        public AnalysisOptions(Command command)
        {
            command.Arguments.Add(Repository);
            command.Options.Add(Since);
            command.Options.Add(Until);
            command.Options.Add(Issues);
            command.Options.Add(Weights);
            command.Options.Add(Csv);
            command.Options.Add(Svg);
        }

        public Argument<DirectoryInfo?> Repository { get; } = new("repo") { Description = "A folder in the git repository to read.", Arity = ArgumentArity.ZeroOrOne };

        public Option<string?> Since { get; } = new("--since") { Description = "Count from this date (yyyy-MM-dd or ISO 8601; commits by committer date)." };

        public Option<string?> Until { get; } = new("--until") { Description = "Count up to this date, inclusive." };

        public Option<FileInfo?> Issues { get; } = new("--issues") { Description = "Issues to count: a GitHub issues API JSON export (pull requests are skipped) or a CSV file of login,created_at." };

        public Option<string?> Weights { get; } = new("--weights") { Description = "Weights that sum to 1. Default: code=0.6,issues=0.3,docs=0.1." };

        public Option<FileInfo?> Csv { get; } = new("--csv") { Description = "Also write the statistics to this CSV file." };

        public Option<FileInfo?> Svg { get; } = new("--svg") { Description = "Also write a bar chart of the shares to this SVG file." };
    }
}
