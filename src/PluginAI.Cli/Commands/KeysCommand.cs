using System.CommandLine;
using PluginAI.Trust;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai keys</c>: signing keys and the trust policy.</summary>
internal static class KeysCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("keys", "Create signing keys and choose which publisher, certifier, registry and vendor keys this machine trusts.");
        command.Subcommands.Add(CreateNew(console));
        command.Subcommands.Add(CreateList(console));
        command.Subcommands.Add(CreateTrust(console));
        command.Subcommands.Add(CreateRevoke(console));
        return command;
    }

    private static Command CreateNew(CliConsole console)
    {
        var name = new Argument<string>("name") { Description = "The key's name, such as acme-publisher." };
        var trust = new Option<string?>("--trust") { Description = "Also trust the new key on this machine for these roles (publisher, certifier, registry, vendor; comma-separated)." };
        var json = PluginAICommand.JsonOption();
        var command = new Command("new", "Create an ECDSA P-256 key pair in the home's keys folder.") { name, trust, json };
        command.SetAction(parse =>
        {
            var paths = Paths(parse);
            var store = new KeyStore(paths);
            var keyName = parse.GetValue(name)!;
            using var key = store.Create(keyName);
            var privatePath = store.PrivateKeyPath(keyName);
            var publicPath = store.PublicKeyPath(keyName);
            string? roles = null;
            if (parse.GetValue(trust) is { } roleText)
            {
                var policy = TrustPolicy.Load(paths.TrustPolicyFile);
                var entry = policy.Trust(key, TrustPolicy.ParseRoles(roleText));
                policy.Save();
                roles = TrustedKey.FormatRoles(entry.Roles);
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { key.Name, key.KeyId, privateKeyFile = privatePath, publicKeyFile = publicPath, trustedAs = roles });
            }
            else
            {
                console.Console.MarkupLineInterpolated($"Created key [bold]{key.Name}[/] ([green]{key.KeyId}[/])");
                console.Console.MarkupLineInterpolated($"  private: {privatePath} (keep it secret; readable only by you)");
                console.Console.MarkupLineInterpolated($"  public:  {publicPath} (give this to whoever should trust you)");
                if (roles is not null)
                {
                    console.Console.MarkupLineInterpolated($"  trusted on this machine as {roles}");
                }
            }

            return 0;
        });
        return command;
    }

    private static Command CreateList(CliConsole console)
    {
        var json = PluginAICommand.JsonOption();
        var command = new Command("list", "List the trusted keys and this user's own keys.") { json };
        command.SetAction(parse =>
        {
            var paths = Paths(parse);
            var policy = TrustPolicy.Load(paths.TrustPolicyFile);
            var own = new KeyStore(paths).List();
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new
                {
                    policy = paths.TrustPolicyFile,
                    policy.AllowUnsigned,
                    policy.RequireCertified,
                    trusted = policy.Keys.Select(k => new { k.KeyId, k.Name, roles = TrustedKey.FormatRoles(k.Roles).Split(", "), k.Added, k.Revoked }),
                    own,
                });
                return 0;
            }

            var table = new Table().RoundedBorder().Title($"[bold]Trusted keys[/] ({Markup.Escape(paths.TrustPolicyFile)})");
            table.AddColumn("Key id");
            table.AddColumn("Name");
            table.AddColumn("Trusted as");
            table.AddColumn("Added");
            table.AddColumn("Status");
            foreach (var k in policy.Keys)
            {
                table.AddRow(
                    new Text(k.KeyId),
                    new Text(k.Name),
                    new Text(TrustedKey.FormatRoles(k.Roles)),
                    new Text(k.Added == DateTimeOffset.MinValue ? "-" : k.Added.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                    new Markup(k.Revoked is { } r ? $"[red]revoked {r:yyyy-MM-dd}[/]" : "[green]trusted[/]"));
            }

            if (policy.Keys.Count == 0)
            {
                table.AddRow(new Markup("[grey]none: signed plugins from any publisher will be refused[/]"), new Text(string.Empty), new Text(string.Empty), new Text(string.Empty), new Text(string.Empty));
            }

            console.Console.Write(table);
            if (policy.AllowUnsigned)
            {
                console.Console.MarkupLine("[bold red]allowUnsigned is on:[/] unsigned and untrusted plugins are installed and loaded.");
            }

            if (own.Count > 0)
            {
                var mine = new Table().RoundedBorder().Title($"[bold]Your signing keys[/] ({Markup.Escape(paths.Keys)})");
                mine.AddColumn("Key id");
                mine.AddColumn("Name");
                mine.AddColumn("File");
                foreach (var k in own)
                {
                    mine.AddRow(new Markup(k.KeyId is null ? $"[red]{Markup.Escape(k.Problem ?? "unreadable")}[/]" : Markup.Escape(k.KeyId)), new Text(k.Name), new Text(k.File));
                }

                console.Console.Write(mine);
            }

            return 0;
        });
        return command;
    }

    private static Command CreateTrust(CliConsole console)
    {
        var file = new Argument<FileInfo>("public-key") { Description = "A public key file (*.pub.json) from the publisher, certifier, registry or vendor." };
        var role = new Option<string>("--role") { Description = "What the key may sign: publisher, certifier, registry, vendor (comma-separated).", Required = true };
        var json = PluginAICommand.JsonOption();
        var command = new Command("trust", "Trust a public key for one or more roles.") { file, role, json };
        command.SetAction(parse =>
        {
            var paths = Paths(parse);
            var path = parse.GetValue(file)!.FullName;
            using var key = SigningKey.Load(path);
            var policy = TrustPolicy.Load(paths.TrustPolicyFile);
            var entry = policy.Trust(key.ToPublic(), TrustPolicy.ParseRoles(parse.GetValue(role)!));
            policy.Save();
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { entry.KeyId, entry.Name, roles = TrustedKey.FormatRoles(entry.Roles).Split(", ") });
            }
            else
            {
                console.Console.MarkupLineInterpolated($"Trusting [bold]{entry.Name}[/] ([green]{entry.KeyId}[/]) as {TrustedKey.FormatRoles(entry.Roles)}.");
            }

            return 0;
        });
        return command;
    }

    private static Command CreateRevoke(CliConsole console)
    {
        var id = new Argument<string>("key") { Description = "The key id (or a unique prefix of 8+ digits, or the key's name)." };
        var json = PluginAICommand.JsonOption();
        var command = new Command("revoke", "Revoke a key: nothing it signed is trusted any more.") { id, json };
        command.SetAction(parse =>
        {
            var paths = Paths(parse);
            var policy = TrustPolicy.Load(paths.TrustPolicyFile);
            var entry = policy.Revoke(parse.GetValue(id)!);
            policy.Save();
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { entry.KeyId, entry.Name, entry.Revoked });
            }
            else
            {
                console.Console.MarkupLineInterpolated($"Revoked [bold]{entry.Name}[/] ([red]{entry.KeyId}[/]): plugins, records, indexes and licences it signed are no longer trusted.");
            }

            return 0;
        });
        return command;
    }

    private static PluginAIPaths Paths(ParseResult parse) => new(parse.GetValue(PluginAICommand.HomeOption));
}
