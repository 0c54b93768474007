using System.CommandLine;
using PluginAI.Trust;
using PluginAI.Trust.Certification;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai certifications</c>: the certification records this machine knows.</summary>
internal static class CertificationsCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("certifications", "Add, list and remove the certification records of backends.");

        var file = new Argument<FileInfo>("record") { Description = "A certification record (*.certification.json) signed by a certifier." };
        var addJson = PluginAICommand.JsonOption();
        var add = new Command("add", "Check a record's signature against the trusted certifier keys and keep it.") { file, addJson };
        add.SetAction(parse =>
        {
            var paths = RegistryFactory.Paths(parse);
            var stored = new CertificationStore(paths.Home).AddFile(parse.GetValue(file)!.FullName, TrustPolicy.Load(paths.TrustPolicyFile), DateTimeOffset.UtcNow);
            if (parse.GetValue(addJson))
            {
                JsonOutput.Write(console.Out, View(stored));
            }
            else
            {
                var view = View(stored);
                console.Console.MarkupLineInterpolated($"Added the record by [bold]{view.Certifier}[/] for {view.Plugin} {view.Versions} on {string.Join(", ", view.Devices)} (suite {view.SuiteVersion}), valid until {view.Expires:yyyy-MM-dd}.");
            }

            return 0;
        });

        var plugin = new Argument<string>("plugin") { Description = "The plugin id." };
        var listJson = PluginAICommand.JsonOption();
        var list = new Command("list", "List the records kept for a plugin.") { plugin, listJson };
        list.SetAction(parse =>
        {
            var paths = RegistryFactory.Paths(parse);
            var records = new CertificationStore(paths.Home).List(parse.GetValue(plugin)!);
            if (parse.GetValue(listJson))
            {
                JsonOutput.Write(console.Out, records.Select(View));
                return 0;
            }

            var table = new Table().RoundedBorder().Title($"[bold]Certification records of {Markup.Escape(parse.GetValue(plugin)!)}[/]");
            foreach (var heading in new[] { "Certifier", "Versions", "Devices", "Suite", "Expires", "Problem" })
            {
                table.AddColumn(heading);
            }

            foreach (var v in records.Select(View))
            {
                table.AddRow(
                    new Text(v.Certifier ?? "-"),
                    new Text(v.Versions ?? "-"),
                    new Text(string.Join(Environment.NewLine, v.Devices)),
                    new Text(v.SuiteVersion ?? "-"),
                    new Markup(v.Expires is { } e ? (e < DateTimeOffset.UtcNow ? $"[red]{e:yyyy-MM-dd} (expired)[/]" : $"{e:yyyy-MM-dd}") : "-"),
                    new Markup(v.Error is null ? "[green]none[/]" : $"[red]{Markup.Escape(v.Error)}[/]"));
            }

            if (records.Count == 0)
            {
                table.AddRow(new Text("(none)"), new Text(string.Empty), new Text(string.Empty), new Text(string.Empty), new Text(string.Empty), new Text(string.Empty));
            }

            console.Console.Write(table);
            return 0;
        });

        var removePlugin = new Argument<string>("plugin") { Description = "The plugin id." };
        var certifier = new Option<string?>("--certifier") { Description = "Only the records of this certifier." };
        var removeJson = PluginAICommand.JsonOption();
        var remove = new Command("remove", "Remove the records kept for a plugin.") { removePlugin, certifier, removeJson };
        remove.SetAction(parse =>
        {
            var removed = new CertificationStore(RegistryFactory.Paths(parse).Home).Remove(parse.GetValue(removePlugin)!, parse.GetValue(certifier));
            if (parse.GetValue(removeJson))
            {
                JsonOutput.Write(console.Out, new { removed });
            }
            else
            {
                console.Console.MarkupLineInterpolated($"Removed {removed.Count} record(s).");
            }

            return 0;
        });

        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(remove);
        return command;
    }

    private static RecordView View(StoredCertification stored)
    {
        var p = stored.Payload;
        return new RecordView(
            stored.Path,
            p?.Certifier,
            p?.PluginId,
            p?.Versions.ToString(),
            p is null ? [] : [.. p.Devices.Select(d => d.PciIds.Count == 0 ? d.Vendor : $"{d.Vendor} {string.Join(",", d.PciIds)}" + (d.Drivers is { } r ? $" driver {r}" : string.Empty))],
            p?.SuiteVersion,
            p?.ReportSha256,
            p?.Expires,
            stored.Error);
    }

    private sealed record RecordView(string File, string? Certifier, string? Plugin, string? Versions, IReadOnlyList<string> Devices, string? SuiteVersion, string? ReportSha256, DateTimeOffset? Expires, string? Error);
}
