using System.CommandLine;
using System.Diagnostics;
using PluginAI.Contributors;
using PluginAI.Host;
using PluginAI.Manifest;
using PluginAI.Registry;
using PluginAI.Trust;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai pack</c> and <c>pluginai sign</c>: registry-ready plugin packages.</summary>
internal static class PackCommand
{
    public static Command CreatePack(CliConsole console)
    {
        var input = new Argument<FileSystemInfo>("plugin") { Description = "A built plugin folder (with pluginai.json), or a plugin project (.csproj, or a folder holding one) to run 'dotnet pack' on." };
        var output = new Option<DirectoryInfo?>("--output", "-o") { Description = "Where to write the .nupkg. Default: the current folder." };
        var key = new Option<string?>("--key") { Description = "Sign with this key: a name from 'pluginai keys new' or a *.key.json file." };
        var contributors = new Option<DirectoryInfo?>("--contributors") { Description = "Record contributor statistics from this git repository in the manifest (plugin folders; projects record them through MSBuild)." };
        var weights = new Option<string?>("--weights") { Description = "Weights of the recorded statistics. Default: code=0.6,issues=0.3,docs=0.1." };
        var issues = new Option<FileInfo?>("--issues") { Description = "Issues export counted in the recorded statistics." };
        var json = PluginAICommand.JsonOption();
        var command = new Command("pack", "Pack a plugin into a registry-ready .nupkg with a manifest that hashes every file, optionally signed.")
        {
            input, output, key, contributors, weights, issues, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = new PluginAIPaths(parse.GetValue(PluginAICommand.HomeOption));
            var target = parse.GetValue(input)!;
            var outputDirectory = parse.GetValue(output)?.FullName ?? Directory.GetCurrentDirectory();
            Directory.CreateDirectory(outputDirectory);
            using var signingKey = parse.GetValue(key) is { } keyName ? new KeyStore(paths).LoadPrivateKey(keyName) : null;

            string packagePath;
            PluginManifest manifest;
            if (FindProject(target) is { } project)
            {
                packagePath = await DotnetPackAsync(project, outputDirectory, console, parse.GetValue(json), cancellationToken).ConfigureAwait(false);
                if (signingKey is not null)
                {
                    PluginPackageSigner.Sign(packagePath, signingKey, cancellationToken);
                }

                using var reader = PluginPackageReader.Open(packagePath);
                manifest = reader.Manifest;
            }
            else
            {
                var folder = target.FullName;
                if (!File.Exists(Path.Combine(folder, PluginManifest.FileName)))
                {
                    throw new CliException($"{folder}: expected a built plugin folder with {PluginManifest.FileName}, or a plugin project (.csproj).");
                }

                var section = parse.GetValue(contributors) is { } repository
                    ? await AnalyseContributorsAsync(repository.FullName, parse.GetValue(weights), parse.GetValue(issues)?.FullName, console, cancellationToken).ConfigureAwait(false)
                    : null;
                var result = await PluginPackageBuilder.BuildAsync(folder, outputDirectory, signingKey, section, cancellationToken).ConfigureAwait(false);
                packagePath = result.PackagePath;
                manifest = result.Manifest;
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { package = packagePath, manifest.Id, version = manifest.Version.ToString(), files = manifest.Files.Count, signedBy = signingKey?.KeyId, contributors = manifest.Contributors?.Entries.Count });
            }
            else
            {
                console.Console.MarkupLineInterpolated($"Packed [bold]{manifest.Id} {manifest.Version}[/] -> {packagePath}");
                console.Console.MarkupLineInterpolated($"  {manifest.Files.Count} files hashed in {PluginManifest.FileName}; {(signingKey is null ? "unsigned (sign it with 'pluginai sign')" : $"signed by {signingKey.Name} ({signingKey.KeyId})")}");
                if (manifest.Contributors is { } section)
                {
                    console.Console.MarkupLineInterpolated($"  contributor statistics recorded for {section.Entries.Count} contributor(s)");
                }
            }

            return 0;
        });
        return command;
    }

    public static Command CreateSign(CliConsole console)
    {
        var package = new Argument<FileInfo>("package") { Description = "The .nupkg to sign (from 'dotnet pack' or 'pluginai pack')." };
        var key = new Option<string>("--key") { Description = "The publisher key: a name from 'pluginai keys new' or a *.key.json file.", Required = true };
        var json = PluginAICommand.JsonOption();
        var command = new Command("sign", "Sign a plugin package: adds pluginai.sig over its manifest, after checking that the manifest hashes every file.") { package, key, json };
        command.SetAction((parse, cancellationToken) =>
        {
            var paths = new PluginAIPaths(parse.GetValue(PluginAICommand.HomeOption));
            var path = parse.GetValue(package)!.FullName;
            if (!File.Exists(path))
            {
                throw new CliException($"{path}: package not found.");
            }

            using var signingKey = new KeyStore(paths).LoadPrivateKey(parse.GetValue(key)!);
            PluginPackageSigner.Sign(path, signingKey, cancellationToken);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { package = path, signingKey.KeyId, signingKey.Name });
            }
            else
            {
                console.Console.MarkupLineInterpolated($"Signed {path} with [bold]{signingKey.Name}[/] ([green]{signingKey.KeyId}[/])");
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static string? FindProject(FileSystemInfo target)
    {
        if (target is FileInfo file && file.Extension.Equals(".csproj", StringComparison.OrdinalIgnoreCase))
        {
            return file.Exists ? file.FullName : throw new CliException($"{file.FullName}: project not found.");
        }

        if (target is DirectoryInfo directory)
        {
            if (!directory.Exists)
            {
                throw new CliException($"{directory.FullName}: folder not found.");
            }

            if (File.Exists(Path.Combine(directory.FullName, PluginManifest.FileName)))
            {
                return null;
            }

            var projects = directory.GetFiles("*.csproj");
            return projects.Length switch
            {
                1 => projects[0].FullName,
                0 => null,
                _ => throw new CliException($"{directory.FullName} holds {projects.Length} projects; name the .csproj to pack."),
            };
        }

        return target.Exists ? null : throw new CliException($"{target.FullName}: not found.");
    }

    private static async Task<string> DotnetPackAsync(string project, string outputDirectory, CliConsole console, bool json, CancellationToken cancellationToken)
    {
        var before = Directory.GetFiles(outputDirectory, "*.nupkg").ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "pack", project, "-c", "Release", "-o", outputDirectory, "-nologo" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new CliException("could not start 'dotnet pack'; is the .NET SDK installed?");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (json)
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await console.Console.Status().StartAsync($"dotnet pack {Path.GetFileName(project)}", _ => process.WaitForExitAsync(cancellationToken)).ConfigureAwait(false);
        }
        var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            var errors = output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(10);
            throw new CliException($"'dotnet pack {project}' failed:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }

        var written = Directory.GetFiles(outputDirectory, "*.nupkg")
            .Where(f => !f.EndsWith(".symbols.nupkg", StringComparison.OrdinalIgnoreCase) && (!before.TryGetValue(f, out var time) || File.GetLastWriteTimeUtc(f) > time))
            .ToList();
        return written.Count == 1
            ? written[0]
            : throw new CliException($"'dotnet pack {project}' wrote {written.Count} packages to {outputDirectory}; expected one.");
    }

    private static async Task<ContributorsSection> AnalyseContributorsAsync(string repository, string? weightsText, string? issuesFile, CliConsole console, CancellationToken cancellationToken)
    {
        var weights = weightsText is null ? ContributionWeights.Default : ContributionWeights.Parse(weightsText);
        var analysis = await ContributorAnalysis.RunAsync(repository, weights, new ContributorStatisticsOptions(), issuesFile, cancellationToken).ConfigureAwait(false);
        if (analysis.History.IsShallow)
        {
            console.Error.WriteLine($"warning: '{repository}' is a shallow clone, so the recorded contributor statistics are partial; run 'git fetch --unshallow' first");
        }

        return analysis.ToManifestSection();
    }
}
