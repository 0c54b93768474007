using System.CommandLine;
using System.Globalization;
using PluginAI.Host;
using PluginAI.Trust;
using PluginAI.Trust.Licensing;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai license</c>: licenses of paid plugins, checked offline.</summary>
internal static class LicenseCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("license", "Add, list and remove licences of paid plugins; vendors issue them with 'license issue'.");
        command.Subcommands.Add(CreateAdd(console));
        command.Subcommands.Add(CreateList(console));
        command.Subcommands.Add(CreateRemove(console));
        command.Subcommands.Add(CreateMachine(console));
        command.Subcommands.Add(CreateIssue(console));
        return command;
    }

    private static Command CreateAdd(CliConsole console)
    {
        var file = new Argument<FileInfo>("licence") { Description = "The licence file from the vendor (*.licence.json)." };
        var json = PluginAICommand.JsonOption();
        var command = new Command("add", "Check a licence's signature against the trusted vendor keys and install it.") { file, json };
        command.SetAction(parse =>
        {
            var paths = Paths(parse);
            var policy = TrustPolicy.Load(paths.TrustPolicyFile);
            var stored = new LicenseStore(paths.Home).Add(parse.GetValue(file)!.FullName, policy);
            var claims = stored.Claims!;
            var (_, _, signer) = LicenseStore.Read(stored.Path, policy);
            var warnings = new LicenseEvaluator().Review(claims, signer, InstalledManifests(paths), policy, DateTimeOffset.UtcNow);
            var boundHere = claims.Machine is { } binding && IsThisMachine(binding, claims.Product);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { file = stored.Path, licenceId = claims.LicenseId, claims.Licensee, claims.Product, claims.Features, claims.Issued, claims.Expires, kind = claims.Kind.ToString().ToLowerInvariant(), machineBound = claims.Machine is not null, boundToThisMachine = boundHere, warnings });
            }
            else
            {
                console.Console.MarkupLineInterpolated($"Installed licence [bold]{claims.LicenseId}[/] for [bold]{claims.Product}[/], licensed to {claims.Licensee}, {(claims.Expires is { } e ? "valid until " + e.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "perpetual")}{(boundHere ? ", bound to this machine" : string.Empty)}.");
                foreach (var warning in warnings)
                {
                    console.Console.MarkupLineInterpolated($"[yellow]Warning:[/] {warning}.");
                }
            }

            return 0;
        });
        return command;
    }

    private static Command CreateList(CliConsole console)
    {
        var json = PluginAICommand.JsonOption();
        var command = new Command("list", "List installed licences.") { json };
        command.SetAction(parse =>
        {
            var paths = Paths(parse);
            var policy = TrustPolicy.Load(paths.TrustPolicyFile);
            var licenses = new LicenseStore(paths.Home).List().Select(l => Describe(l, policy)).ToList();
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, licenses);
                return 0;
            }

            var table = new Table().RoundedBorder().Title("[bold]Licences[/]");
            foreach (var heading in new[] { "Licence", "Product", "Licensee", "Features", "Expires", "Machine", "Signature" })
            {
                table.AddColumn(heading);
            }

            foreach (var l in licenses)
            {
                table.AddRow(
                    new Text(l.LicenseId ?? Path.GetFileName(l.File)),
                    new Text(l.Product ?? "-"),
                    new Text(l.Licensee ?? "-"),
                    new Text(l.Features.Count == 0 ? "-" : string.Join(", ", l.Features)),
                    new Markup(l.Expires is { } e ? (e < DateTimeOffset.UtcNow ? $"[red]{e:yyyy-MM-dd} (expired)[/]" : $"{e:yyyy-MM-dd}") : "perpetual"),
                    new Text(l.MachineBound ? "bound" : "any"),
                    new Markup(l.Problem is null ? $"[green]{Markup.Escape(l.SignedBy ?? "valid")}[/]" : $"[red]{Markup.Escape(l.Problem)}[/]"));
            }

            if (licenses.Count == 0)
            {
                table.AddRow(new Text("(none)"), new Text(string.Empty), new Text(string.Empty), new Text(string.Empty), new Text(string.Empty), new Text(string.Empty), new Text("add one with 'pluginai license add <file>'"));
            }

            console.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command CreateRemove(CliConsole console)
    {
        var id = new Argument<string>("licence-id") { Description = "The licence id, as 'license list' shows it." };
        var json = PluginAICommand.JsonOption();
        var command = new Command("remove", "Remove an installed licence.") { id, json };
        command.SetAction(parse =>
        {
            var licenseId = parse.GetValue(id)!;
            if (!new LicenseStore(Paths(parse).Home).Remove(licenseId))
            {
                throw new CliException($"No licence '{licenseId}' is installed; 'pluginai license list' shows the installed ones.");
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { removed = licenseId });
            }
            else
            {
                console.Console.MarkupLineInterpolated($"Removed licence [bold]{licenseId}[/].");
            }

            return 0;
        });
        return command;
    }

    private static Command CreateMachine(CliConsole console)
    {
        var product = new Option<string>("--product") { Description = "The product code of the plugin to license.", Required = true };
        var json = PluginAICommand.JsonOption();
        var command = new Command("machine", "Print this machine's binding for a product (a salted hash, never the machine id itself), to send to the vendor.") { product, json };
        command.SetAction(parse =>
        {
            var productCode = parse.GetValue(product)!;
            var binding = MachineBinding.Create(MachineIdentity.System.GetMachineId(), productCode);
            var text = $"{binding.Salt}:{binding.Hash}";
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { product = productCode, binding.Salt, binding.Hash, machine = text });
            }
            else
            {
                console.Out.WriteLine(text);
            }

            return 0;
        });
        return command;
    }

    private static Command CreateIssue(CliConsole console)
    {
        var key = new Option<string>("--key") { Description = "The vendor key that signs the licence: a name from 'pluginai keys new' or a *.key.json file.", Required = true };
        var licensee = new Option<string>("--licensee") { Description = "Who the licence is for.", Required = true };
        var product = new Option<string>("--product") { Description = "The product code, as in the plugin manifest's licensing.productCode.", Required = true };
        var features = new Option<string?>("--features") { Description = "Licensed features, comma-separated." };
        var expires = new Option<string?>("--expires") { Description = "Expiry date (yyyy-MM-dd: the end of that day, UTC; or an ISO 8601 time). Default: perpetual." };
        var issued = new Option<string?>("--issued") { Description = "The issue date (yyyy-MM-dd), for re-issuing a licence with its original dates. Default: now." };
        var days = new Option<int?>("--days") { Description = "Valid for this many days from now, instead of --expires." };
        var trial = new Option<bool>("--trial") { Description = "Issue a trial licence." };
        var machine = new Option<string?>("--machine") { Description = "Bind to one machine: the salt:hash the customer got from 'pluginai license machine --product ...'." };
        var licenseId = new Option<string?>("--id") { Description = "The licence id. Default: the product and a random suffix." };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Where to write the licence. Default: <id>.licence.json in the current folder." };
        var json = PluginAICommand.JsonOption();
        var command = new Command("issue", "For vendors: issue a signed licence file.")
        {
            key, licensee, product, features, issued, expires, days, trial, machine, licenseId, output, json,
        };
        command.SetAction(parse =>
        {
            var paths = Paths(parse);
            using var signingKey = new KeyStore(paths).LoadPrivateKey(parse.GetValue(key)!);
            var now = CliParsing.Date(parse.GetValue(issued), "--issued", endOfDay: false) ?? DateTimeOffset.UtcNow;
            var expiry = CliParsing.Date(parse.GetValue(expires), "--expires", endOfDay: true);
            if (expiry is null && parse.GetValue(days) is { } dayCount)
            {
                expiry = dayCount > 0 ? now.AddDays(dayCount) : throw new CliException($"--days {dayCount}: expected a positive number of days.");
            }

            if (parse.GetValue(trial) && expiry is null)
            {
                throw new CliException("--trial needs --expires or --days: a trial licence must end.");
            }

            MachineBinding? binding = null;
            if (parse.GetValue(machine) is { } machineText)
            {
                var parts = machineText.Split(':');
                if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length != 64)
                {
                    throw new CliException($"--machine '{machineText}': expected salt:hash as printed by 'pluginai license machine --product ...' on the customer's machine.");
                }

                binding = new MachineBinding(parts[0], parts[1].ToLowerInvariant());
            }

            var productCode = parse.GetValue(product)!;
            var id = parse.GetValue(licenseId) ?? $"{productCode}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}";
            if (!LicenseClaims.IsValidLicenseId(id))
            {
                throw new CliException($"--id '{id}': use letters, digits, '.', '_' and '-'.");
            }

            var claims = new LicenseClaims
            {
                LicenseId = id,
                Licensee = parse.GetValue(licensee)!,
                Product = productCode,
                Features = parse.GetValue(features)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
                Issued = now,
                Expires = expiry,
                Kind = parse.GetValue(trial) ? LicenseKind.Trial : LicenseKind.Full,
                Machine = binding,
            };
            var path = parse.GetValue(output)?.FullName ?? Path.Combine(Directory.GetCurrentDirectory(), id + LicenseStore.FileExtension);
            AtomicFile.WriteAllBytes(path, LicenseIssuer.Issue(signingKey, claims).ToJson());
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { file = path, licenceId = claims.LicenseId, claims.Licensee, claims.Product, claims.Features, claims.Expires, signedBy = signingKey.KeyId });
            }
            else
            {
                console.Console.MarkupLineInterpolated($"Issued licence [bold]{id}[/] for {productCode} to {claims.Licensee}, signed by {signingKey.Name} ({signingKey.KeyId}) -> {path}");
            }

            return 0;
        });
        return command;
    }

    private static LicenseView Describe(StoredLicense license, TrustPolicy policy)
    {
        string? problem = license.Error;
        string? signer = null;
        if (problem is null)
        {
            try
            {
                var (_, _, key) = LicenseStore.Read(license.Path, policy);
                signer = $"{key.Name} ({key.KeyId})";
            }
            catch (TrustException ex)
            {
                problem = ex.Message;
            }
        }

        var c = license.Claims;
        return new LicenseView(license.Path, c?.LicenseId, c?.Product, c?.Licensee, c?.Features ?? [], c?.Issued, c?.Expires, c?.Kind.ToString().ToLowerInvariant(), c?.Machine is not null, signer, problem);
    }

    private static List<PluginAI.Manifest.PluginManifest> InstalledManifests(PluginAIPaths paths)
    {
        // The plugins in the home and those shipped beside the command: the ones a licence is added for.
        var manifests = new List<PluginAI.Manifest.PluginManifest>();
        foreach (var root in (string[])[paths.Plugins, Path.Combine(AppContext.BaseDirectory, "plugins")])
        {
            if (!Directory.Exists(root))
            {
                continue;
            }

            foreach (var folder in Directory.EnumerateDirectories(root))
            {
                try
                {
                    var manifestFile = Path.Combine(InstalledPluginLayout.ResolveInstalledVersion(folder), PluginAI.Manifest.PluginManifest.FileName);
                    if (File.Exists(manifestFile) && PluginAI.Manifest.ManifestReader.Parse(File.ReadAllText(manifestFile), manifestFile).Manifest is { } manifest)
                    {
                        manifests.Add(manifest);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                }
            }
        }

        return manifests;
    }

    private static bool IsThisMachine(MachineBinding binding, string product)
    {
        try
        {
            return binding.Matches(MachineIdentity.System.GetMachineId(), product);
        }
        catch (TrustException)
        {
            return false;
        }
    }

    private static PluginAIPaths Paths(ParseResult parse) => new(parse.GetValue(PluginAICommand.HomeOption));

    private sealed record LicenseView(string File, [property: System.Text.Json.Serialization.JsonPropertyName("licenceId")] string? LicenseId, string? Product, string? Licensee, IReadOnlyList<string> Features, DateTimeOffset? Issued, DateTimeOffset? Expires, string? Kind, bool MachineBound, string? SignedBy, string? Problem);
}
