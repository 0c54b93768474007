using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using PluginAI.Sdk.Tests.Templates;
using Xunit.Abstractions;

namespace PluginAI.Sdk.Tests.Flow;

/// <summary>
/// The publish flow of docs/plugin-authoring.md, end to end with real processes: the PluginAI packages packed from this
/// repository into a local feed, the template package installed into a private hive, <c>dotnet new
/// pluginai-postprocessor</c>, <c>dotnet build</c>, <c>dotnet test</c> (the conformance suite), <c>dotnet pack</c>,
/// <c>pluginai sign</c> with a test key, <c>dotnet nuget push</c> to <c>pluginai registry serve</c>, <c>pluginai plugins
/// install</c>, and <c>pluginai ask</c> answering in upper case once the plugin is installed.
/// </summary>
[Collection(TemplateHiveCollection.Name)]
public sealed class PublishFlowTests : IDisposable
{
    private const string PluginId = "Acme.Upper";
    private const string SourceName = "local-registry";
    private const string Question = "How long is green tea steeped?";

    private static readonly TimeSpan s_budget = TimeSpan.FromMinutes(10);

    private readonly TemplateHive _hive;
    private readonly ITestOutputHelper _log;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pluginai-publish-flow", Guid.NewGuid().ToString("N")[..12]);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly string _apiKey = Guid.NewGuid().ToString("N");
    private RegistryProcess? _registry;

    public PublishFlowTests(TemplateHive hive, ITestOutputHelper log)
    {
        _hive = hive;
        _log = log;
        Directory.CreateDirectory(_root);

        // Keep the build files of whatever folder the temporary folder sits in out of the plugin's build.
        foreach (var file in (string[])["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props"])
        {
            File.WriteAllText(Path.Combine(_root, file), "<Project />\n");
        }
    }

    [Fact]
    public async Task TemplatePlugin_PublishedToALocalRegistryAndInstalled_UpperCasesTheAnswersOfAsk()
    {
        var feed = Path.Combine(_root, "feed");
        var packages = Path.Combine(_root, "nuget-packages");
        var work = Path.Combine(_root, PluginId);
        var artifacts = Path.Combine(_root, "artifacts");
        var home = Path.Combine(_root, "home");
        var documents = Path.Combine(_root, "documents");

        // 1. The packages a plugin author gets from a feed, packed from this repository; the template package comes
        // from the fixture, which packed it and installed it into a private template hive.
        var solution = Path.Combine(_root, "pluginai-packages.slnx");
        File.WriteAllText(solution, new XElement(
            "Solution",
            ((string[])["PluginAI.Abstractions", "PluginAI.Conformance", "PluginAI.Testing", "PluginAI.Sdk"])
                .Select(p => new XElement("Project", new XAttribute("Path", Path.Combine(_hive.RepositoryRoot, "sdk", p, p + ".csproj"))))).ToString());
        await DotnetAsync(_root, "pack", solution, "-c", "Release", $"-p:PackageOutputPath={feed}");
        foreach (var package in (string[])["PluginAI.Abstractions", "PluginAI.Conformance", "PluginAI.Testing", "PluginAI.Sdk"])
        {
            Assert.True(Directory.GetFiles(feed, package + ".*.nupkg").Length == 1, $"{feed} should hold one {package} package: {string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))}");
        }

        // 2. The plugin, from the template.
        await DotnetAsync(_root, "new", "pluginai-postprocessor", "-n", PluginId, "-o", work, "--no-update-check", "--debug:custom-hive", _hive.HivePath);

        // 3. The PluginAI packages from the local feed only, everything else from this machine's NuGet sources, and a
        // packages folder of its own so that no PluginAI package cached by an earlier build is used.
        var sources = await MachineNuGetSourcesAsync(work);
        File.WriteAllText(Path.Combine(work, "nuget.config"), NuGetConfig(feed, packages, sources));
        var isolated = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages };

        // 4. Build, test (the conformance suite), pack.
        await DotnetAsync(work, isolated, "build");
        Assert.True(Directory.Exists(Path.Combine(packages, "pluginai.abstractions")), $"PluginAI.Abstractions was not restored into {packages}.");
        var results = Path.Combine(_root, "test-results");
        await DotnetAsync(work, isolated, "test", "--no-build", "--logger", "trx;LogFileName=conformance.trx", "--results-directory", results);
        AssertConformancePassed(Path.Combine(results, "conformance.trx"));
        await DotnetAsync(work, isolated, "pack", PluginId, "-c", "Release", "-o", artifacts);
        var nupkg = Path.Combine(artifacts, PluginId + ".1.0.0.nupkg");
        Assert.True(File.Exists(nupkg), $"dotnet pack wrote no {nupkg}: {string.Join(", ", Directory.GetFiles(artifacts).Select(Path.GetFileName))}");

        // 5. A publisher key, trusted on this (the user's) machine, and the signature.
        await PluginAIAsync(home, "keys", "new", "acme", "--trust", "publisher");
        await PluginAIAsync(home, "sign", nupkg, "--key", "acme");

        // 6. Publish to a local registry over http, and point the user's machine at it.
        _registry = await RegistryProcess.StartAsync(_root, home, _apiKey, Remaining(TimeSpan.FromMinutes(1)));
        _log.WriteLine($"{_clock.Elapsed:mm\\:ss} registry at {_registry.ServiceIndex}");
        var push = Path.Combine(_root, "push.nuget.config");
        File.WriteAllText(push, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="{SourceName}" value="{_registry.ServiceIndex}" allowInsecureConnections="true" />
              </packageSources>
            </configuration>
            """);
        await DotnetAsync(_root, "nuget", "push", nupkg, "--source", SourceName, "--api-key", _apiKey, "--configfile", push);
        await PluginAIAsync(home, "keys", "trust", Path.Combine(home, "keys", "registry.pub.json"), "--role", "registry");
        await PluginAIAsync(home, "sources", "add", SourceName, _registry.ServiceIndex);

        // 8, before: without the plugin, the (extractive) answer is as the documents have it.
        WriteDocuments(documents);
        var before = await AskAsync(home, documents);
        Assert.True(Regex.IsMatch(before, "[a-z]{3}"), $"Without the plugin the answer should have lower-case text:\n{before}");
        Assert.Contains("`descale --now`", before, StringComparison.Ordinal);

        // 7. Install from the registry; the host loads the plugin, signed by acme.
        using (var installed = JsonDocument.Parse(await PluginAIAsync(home, "plugins", "install", PluginId, "--json")))
        {
            Assert.Equal(PluginId, installed.RootElement.GetProperty("id").GetString());
            Assert.Equal(SourceName, installed.RootElement.GetProperty("source").GetString());
            Assert.Equal("acme", installed.RootElement.GetProperty("publisher").GetString());
        }

        var listOutput = await PluginAIAsync(home, "plugins", "list", "--json");
        using (var list = JsonDocument.Parse(listOutput))
        {
            var plugin = list.RootElement.EnumerateArray().SingleOrDefault(p => p.GetProperty("id").GetString() == PluginId);
            Assert.True(plugin.ValueKind == JsonValueKind.Object, $"pluginai plugins list does not show {PluginId}:\n{listOutput}");
            Assert.True(plugin.GetProperty("status").GetString() == "loaded", $"{PluginId} is not loaded:\n{plugin}");
            Assert.True(plugin.GetProperty("publisher").GetString()?.StartsWith("acme (", StringComparison.Ordinal) == true, $"{PluginId} is not signed by acme:\n{plugin}");
            Assert.True(plugin.GetProperty("trust").GetString()?.StartsWith("signed by acme", StringComparison.Ordinal) == true, $"{PluginId} is not signed by acme:\n{plugin}");
        }

        // 8, after: the same question, the same passages, and the answer upper-cased except its code spans.
        var after = await AskAsync(home, documents);
        Assert.Equal(UpperCaseOutsideCodeSpans(before), after);
        Assert.Contains("`descale --now`", after, StringComparison.Ordinal);
        Assert.DoesNotMatch("[a-z]", Regex.Replace(after, "`[^`]*`", string.Empty));
        _log.WriteLine($"{_clock.Elapsed:mm\\:ss} done; the answer after installing {PluginId}:\n{after}");
    }

    public void Dispose()
    {
        _registry?.Dispose();
        for (var attempt = 0; attempt < 3 && Directory.Exists(_root); attempt++)
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(500);
            }
        }
    }

    /// <summary>Upper-cases text outside <c>`code spans`</c>, as the template's postprocessor does.</summary>
    private static string UpperCaseOutsideCodeSpans(string text)
    {
        var output = new StringBuilder(text.Length);
        var inCode = false;
        foreach (var c in text)
        {
            inCode ^= c == '`';
            output.Append(inCode || c == '`' ? c : char.ToUpperInvariant(c));
        }

        return output.ToString();
    }

    private static void WriteDocuments(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "tea.md"), "# Tea\n\nGreen tea is steeped at about eighty degrees for two minutes. Black tea needs boiling water and four minutes.\n");
        File.WriteAllText(Path.Combine(folder, "bread.md"), "# Bread\n\nSourdough rises overnight in a cool kitchen and bakes for forty minutes in a hot oven.\n");

        // Markdown loses its backticks when parsed; a plain text file keeps them, so the answer quotes a code span.
        File.WriteAllText(Path.Combine(folder, "kettle.txt"), "Kettles\n\nDescale the kettle once a month: run `descale --now` and wait until the light turns green.\n");
    }

    private static void AssertConformancePassed(string trx)
    {
        Assert.True(File.Exists(trx), $"dotnet test wrote no {trx}.");
        var document = XDocument.Load(trx);
        XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
        var counters = document.Descendants(ns + "Counters").Single();
        var passed = (int)counters.Attribute("passed")!;
        var failed = (int)counters.Attribute("failed")!;
        var conformance = document.Descendants(ns + "UnitTestResult")
            .Where(r => ((string?)r.Attribute("testName"))?.Contains("UpperCaseConformanceTests", StringComparison.Ordinal) == true)
            .ToList();
        Assert.True(passed > 0 && failed == 0, $"dotnet test: {passed} passed, {failed} failed ({trx}).");
        Assert.True(conformance.Count > 0, $"The conformance suite did not run ({trx}).");
        Assert.All(conformance, r => Assert.Equal("Passed", (string?)r.Attribute("outcome")));
    }

    private static string NuGetConfig(string feed, string packages, IReadOnlyList<(string Name, string Url)> sources)
    {
        XElement Source(string key, string value) => value.StartsWith("http:", StringComparison.OrdinalIgnoreCase)
            ? new XElement("add", new XAttribute("key", key), new XAttribute("value", value), new XAttribute("allowInsecureConnections", "true"))
            : new XElement("add", new XAttribute("key", key), new XAttribute("value", value));
        var configuration = new XElement(
            "configuration",
            new XElement("config", new XElement("add", new XAttribute("key", "globalPackagesFolder"), new XAttribute("value", packages))),
            new XElement("packageSources", new XElement("clear"), Source("pluginai-local", feed), sources.Select(s => Source(s.Name, s.Url))),
            new XElement(
                "packageSourceMapping",
                new XElement("packageSource", new XAttribute("key", "pluginai-local"), new XElement("package", new XAttribute("pattern", "PluginAI.*"))),
                sources.Select(s => new XElement("packageSource", new XAttribute("key", s.Name), new XElement("package", new XAttribute("pattern", "*"))))));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), configuration).ToString();
    }

    /// <summary>The enabled package sources of this machine's NuGet configuration (nuget.org or its mirror).</summary>
    private async Task<IReadOnlyList<(string Name, string Url)>> MachineNuGetSourcesAsync(string folder)
    {
        var output = await DotnetAsync(folder, "nuget", "list", "source", "--format", "Detailed");
        var sources = Regex.Matches(output, @"^\s*\d+\.\s+(?<name>.+?)\s+\[Enabled\]\s*\r?\n\s*(?<url>\S+)\s*$", RegexOptions.Multiline)
            .Select(m => (m.Groups["name"].Value, m.Groups["url"].Value))
            .Where(s => !s.Item1.Equals("pluginai-local", StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.True(sources.Count > 0, $"This machine has no enabled NuGet source to restore xunit and the other packages from:\n{output}");
        return sources;
    }

    private async Task<string> AskAsync(string home, string documents)
    {
        var output = await PluginAIAsync(home, "ask", "--from", documents, Question, "--json");
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("extractive").GetBoolean(), $"pluginai ask should answer extractively here:\n{output}");
        return json.RootElement.GetProperty("answer").GetString()!;
    }

    private Task<string> DotnetAsync(string workingDirectory, params string[] arguments) => DotnetAsync(workingDirectory, null, arguments);

    private Task<string> DotnetAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        RunAsync(FlowProcess.Dotnet(workingDirectory, arguments, environment), TimeSpan.FromMinutes(5));

    private Task<string> PluginAIAsync(string home, params string[] arguments) =>
        RunAsync(FlowProcess.PluginAI(_root, home, arguments), TimeSpan.FromMinutes(2));

    /// <summary>Runs a step; a non-zero exit code fails the test with the command's output.</summary>
    /// <returns>The step's standard output.</returns>
    private async Task<string> RunAsync(ProcessStartInfo start, TimeSpan limit)
    {
        var started = _clock.Elapsed;
        var (exitCode, stdout, stderr) = await FlowProcess.RunAsync(start, Remaining(limit));
        _log.WriteLine($"{_clock.Elapsed:mm\\:ss} ({(_clock.Elapsed - started).TotalSeconds:0.0} s) {FlowProcess.Describe(start)} → {exitCode}");
        if (exitCode != 0)
        {
            var registry = _registry is null ? string.Empty : $"\n--- registry ---\n{_registry.Output}";
            Assert.Fail($"{FlowProcess.Describe(start)} exited with {exitCode}.\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}{registry}");
        }

        return stdout;
    }

    /// <summary>A step's time limit, cut to what is left of the whole flow's budget.</summary>
    private TimeSpan Remaining(TimeSpan limit)
    {
        var left = s_budget - _clock.Elapsed;
        if (left <= TimeSpan.Zero)
        {
            throw new TimeoutException($"The publish flow used up its {s_budget} budget.");
        }

        return left < limit ? left : limit;
    }
}
