using PluginAI.Host;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary>Renders discovered plugins as a table with the reason for each status.</summary>
internal static class PluginTable
{
    public static Table Create(IReadOnlyList<PluginRecord> plugins, bool details)
    {
        var table = new Table().RoundedBorder().Title("[bold]Plugins[/]");
        table.AddColumn("Plugin");
        table.AddColumn("Version");
        table.AddColumn("Kinds");
        table.AddColumn("Status");
        table.AddColumn("Signed");
        table.AddColumn("Why");
        foreach (var plugin in plugins)
        {
            var why = plugin.Status switch
            {
                PluginStatus.Loaded when plugin.FaultCount > 0 => $"loaded; {plugin.FaultCount} call(s) failed, last: {plugin.LastFault}",
                PluginStatus.Loaded => plugin.Variant is null ? "compatible; base build loaded" : $"compatible; variant '{plugin.Variant}' loaded",
                _ => plugin.Reason ?? string.Empty,
            };
            if (plugin.Worker is { } worker)
            {
                why += Environment.NewLine + "  " + PluginWorkerView.Describe(worker);
            }

            if (plugin.Overrides is { } bundled)
            {
                why += Environment.NewLine + $"  overrides the bundled plugin in {bundled}";
            }

            if (plugin.License.Model != PluginAI.Manifest.LicensingModel.Free && plugin.Status != PluginStatus.Unlicensed)
            {
                why += Environment.NewLine + $"  licence: {plugin.License.Reason}";
            }

            if (plugin.Certifications.Count > 0)
            {
                why += Environment.NewLine + string.Join(Environment.NewLine, plugin.Certifications.Select(c => $"  {(c.Certified ? "certified" : "uncertified")} on {c.Device}: {c.Reason}"));
            }

            if (details && plugin.Details.Count > 0)
            {
                why += Environment.NewLine + string.Join(Environment.NewLine, plugin.Details.Select(d => "  " + d));
            }

            table.AddRow(
                new Markup(Markup.Escape(plugin.Id)),
                new Text(plugin.Manifest?.Version.ToString() ?? "-"),
                new Text(plugin.Manifest is null ? "-" : string.Join(", ", plugin.Manifest.Kinds.Select(k => k.ToString().ToLowerInvariant()))),
                new Markup(StatusMarkup(plugin)),
                new Markup(TrustMarkup(plugin)),
                new Text(why));
        }

        if (plugins.Count == 0)
        {
            table.AddRow(new Text("(none)"), new Text(string.Empty), new Text(string.Empty), new Text(string.Empty), new Text(string.Empty), new Text("no plugin folders were found"));
        }

        return table;
    }

    private static string TrustMarkup(PluginRecord plugin) => plugin switch
    {
        { Publisher: { } publisher } => $"[green]{Markup.Escape(publisher)}[/]",
        { Source: "bundled", Trust: not null } => "[green]bundled[/]",
        { Status: PluginStatus.Untrusted } => "[red]refused[/]",
        { Trust: not null } => "[bold red]unverified[/]",
        _ => "[grey]-[/]",
    };

    private static string StatusMarkup(PluginRecord plugin) => plugin.Status switch
    {
        PluginStatus.Loaded when plugin.FaultCount > 0 => "[yellow]loaded, faulted[/]",
        PluginStatus.Loaded => "[green]loaded[/]",
        PluginStatus.Incompatible => "[yellow]incompatible[/]",
        PluginStatus.Unloaded => "[grey]unloaded[/]",
        _ => $"[red]{plugin.Status.ToString().ToLowerInvariant()}[/]",
    };
}
