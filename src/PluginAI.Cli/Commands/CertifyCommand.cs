using System.CommandLine;
using System.Globalization;
using PluginAI.Backends;
using PluginAI.Certification;
using PluginAI.Conformance;
using PluginAI.Hardware;
using PluginAI.Host;
using PluginAI.Host.Hardware;
using PluginAI.Runtime.Models;
using PluginAI.Manifest;
using PluginAI.Registry;
using PluginAI.Trust;
using PluginAI.Trust.Certification;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai certify</c>: run the backend conformance suite on this machine and sign a certification record.</summary>
internal static class CertifyCommand
{
    public static Command Create(CliConsole console)
    {
        var package = new Argument<FileSystemInfo>("package") { Description = "The backend's .nupkg, or a plugin folder." };
        var model = new Option<FileInfo>("--model") { Description = "A small model file the backend loads, used by the suite.", Required = true };
        var output = new Option<DirectoryInfo?>("--output", "-o") { Description = "Where to write the report and the record. Default: the current folder." };
        var key = new Option<string?>("--key") { Description = "The certifier key that signs the record: a name from 'pluginai keys new' or a *.key.json file. Without it only the report is written." };
        var certifier = new Option<string?>("--certifier") { Description = "The certifier's name in the record, such as nvidia. Default: the key's name." };
        var devices = new Option<string[]>("--device") { Description = "A certified device: vendor, or vendor=pciid[,pciid] (such as nvidia=10de:2335). Repeatable. Default: this machine's accelerators, or the CPU.", AllowMultipleArgumentsPerToken = true };
        var drivers = new Option<string?>("--drivers") { Description = "The driver versions the record covers, as a range such as [550,). Default: any." };
        var versions = new Option<string?>("--versions") { Description = "The plugin versions the record covers, as a range. Default: exactly the version tested." };
        var expires = new Option<string?>("--expires") { Description = "When the record expires (yyyy-MM-dd). Default: one year from now." };
        var jsonOption = PluginAICommand.JsonOption();
        var command = new Command("certify", "Run the backend conformance suite on this machine, write the report, and with --key sign a certification record for the devices it ran on.")
        {
            package, model, output, key, certifier, devices, drivers, versions, expires, jsonOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = RegistryFactory.Paths(parse);
            var policy = TrustPolicy.Load(paths.TrustPolicyFile);
            var hardware = await RegistryFactory.HardwareAsync(parse, cancellationToken).ConfigureAwait(false);
            var modelFile = parse.GetValue(model)!;
            if (!modelFile.Exists)
            {
                throw new CliException($"--model {modelFile.FullName}: file not found.");
            }

            var outputDirectory = parse.GetValue(output)?.FullName ?? Directory.GetCurrentDirectory();
            Directory.CreateDirectory(outputDirectory);
            using var signingKey = parse.GetValue(key) is { } keyName ? new KeyStore(paths).LoadPrivateKey(keyName) : null;
            var scratch = Path.Combine(Path.GetTempPath(), "pluginai-certify", Guid.NewGuid().ToString("N"));
            try
            {
                var pluginFolder = PluginPackageStager.Stage(parse.GetValue(package)!, scratch, policy, hardware, parse.GetValue(PluginAICommand.AllowUnsignedOption), cancellationToken);
                var options = new PluginHostOptions
                {
                    HomeDirectory = Path.Combine(scratch, "home"),
                    IncludeBundledPlugins = false,
                    AllowUnsigned = true,
                    TrustPolicy = policy,
                };
                options.AdditionalPluginDirectories.Add(Path.GetDirectoryName(pluginFolder)!);
                await using var host = await PluginHost.StartAsync(options, new StaticHardwareProbe(hardware), null, cancellationToken).ConfigureAwait(false);
                var record = host.Plugins.FirstOrDefault(p => p.Directory == pluginFolder) ?? host.Plugins.FirstOrDefault()
                    ?? throw new CliException($"{pluginFolder}: no plugin was found there.");
                if (record.Status != PluginStatus.Loaded)
                {
                    throw new CliException($"{record.Id} did not load on this machine: {record.Reason}");
                }

                var manifest = record.Manifest!;
                var backend = host.GetBackends().FirstOrDefault() ?? throw new CliException($"{manifest.Id} is not a backend; certification covers inference backends.");
                var plan = ModelResolver.Plan(host, modelFile.FullName).Plan;
                var request = new CertificationRequest
                {
                    Backend = backend,
                    Model = new ModelLoadRequest { ModelPath = modelFile.FullName, Plan = plan, CacheDirectory = host.Paths.Cache, Capabilities = ModelCapabilities.Chat | ModelCapabilities.Embeddings },
                    Plugin = manifest,
                    Hardware = hardware,
                    OutputDirectory = outputDirectory,
                    CertifierKey = signingKey,
                    Certifier = parse.GetValue(certifier),
                };
                if (signingKey is not null)
                {
                    var driverRange = parse.GetValue(drivers) is { } d ? ParseRange(d, "--drivers") : null;
                    request = request with
                    {
                        Versions = parse.GetValue(versions) is { } range ? ParseRange(range, "--versions") : null,
                        Devices = Devices(parse.GetValue(devices) ?? [], driverRange),
                        Drivers = driverRange,
                        Expires = CliParsing.Date(parse.GetValue(expires), "--expires", endOfDay: true),
                    };
                }

                var json = parse.GetValue(jsonOption);
                if (!json)
                {
                    console.Console.MarkupLineInterpolated($"Running the backend conformance suite {ConformanceSuite.Version} on {backend.Metadata.Name}…");
                }

                var result = await CertificationWorkflow.CertifyAsync(request, json ? null : Progress(console), cancellationToken).ConfigureAwait(false);
                var (report, reportPath, recordPath) = result;
                if (!report.AllPassed)
                {
                    var failures = report.Tests.Where(t => t.Outcome == ConformanceOutcome.Failed).Select(t => $"{t.Name}: {t.Message}");
                    throw new CliException($"{manifest.Id} {manifest.Version} failed the conformance suite {report.SuiteVersion} ({report.Failed} of {report.Tests.Count} tests); report: {reportPath}{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", failures)}");
                }

                if (json)
                {
                    JsonOutput.Write(console.Out, new { plugin = manifest.Id, version = manifest.Version.ToString(), report = reportPath, reportSha256 = report.Sha256, report.Passed, report.Failed, report.Skipped, record = recordPath });
                }
                else
                {
                    console.Console.MarkupLineInterpolated($"[green]{manifest.Id} {manifest.Version} passed the conformance suite {report.SuiteVersion}[/] ({report.Passed} passed, {report.Skipped} skipped) -> {reportPath}");
                    if (recordPath is null)
                    {
                        console.Console.MarkupLineInterpolated($"  report SHA-256 {report.Sha256}; sign a record with --key <certifier key>");
                    }
                    else
                    {
                        console.Console.MarkupLineInterpolated($"  certification record signed by {signingKey!.Name} ({signingKey.KeyId}) -> {recordPath}; users add it with 'pluginai certifications add'");
                    }
                }

                return 0;
            }
            finally
            {
                try
                {
                    Directory.Delete(scratch, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        });
        return command;
    }

    private static Progress<ConformanceTestResult> Progress(CliConsole console) => new(r =>
    {
        var outcome = r.Outcome switch
        {
            ConformanceOutcome.Passed => "[green]passed[/]",
            ConformanceOutcome.Failed => "[red]failed[/]",
            _ => "[grey]skipped[/]",
        };
        var message = r.Message is null || r.Outcome == ConformanceOutcome.Passed ? string.Empty : ": " + r.Message;
        console.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"  {outcome} {Markup.Escape(r.Name)} ({r.Duration.TotalMilliseconds:0} ms){Markup.Escape(message)}"));
    });

    private static List<CertificationDevice>? Devices(string[] specs, VersionRange? drivers) => specs.Length == 0 ? null : [.. specs.Select(spec =>
    {
        var parts = spec.Split('=', 2);
        if (parts[0].Length == 0)
        {
            throw new CliException($"--device '{spec}': expected vendor or vendor=pciid[,pciid], such as nvidia=10de:2335.");
        }

        return new CertificationDevice
        {
            Vendor = parts[0].ToLowerInvariant(),
            PciIds = parts.Length > 1 ? parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [],
            Drivers = drivers,
        };
    })];

    private static VersionRange ParseRange(string text, string option)
    {
        try
        {
            return VersionRange.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new CliException($"{option} '{text}': {ex.Message}");
        }
    }
}
