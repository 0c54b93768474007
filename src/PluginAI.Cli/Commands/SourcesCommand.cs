using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Registry;
using PluginAI.Runtime.Plugins;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai sources</c>: where plugins are installed from.</summary>
internal static class SourcesCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("sources", "List, add and remove package sources (local folders and NuGet v3 feeds), kept in pluginai.config in the home folder.");

        var listJson = PluginAICommand.JsonOption();
        var list = new Command("list", "List the package sources.") { listJson };
        list.SetAction(parse =>
        {
            var settings = RegistryFactory.Sources(RegistryFactory.Paths(parse));
            if (parse.GetValue(listJson))
            {
                JsonOutput.Write(console.Out, new { config = settings.ConfigPath, sources = settings.Sources });
                return 0;
            }

            var table = new Table().RoundedBorder().Title($"[bold]Package sources[/] ({Markup.Escape(settings.ConfigPath)})");
            foreach (var heading in new[] { "Name", "Location", "Kind", "Credentials", "Enabled" })
            {
                table.AddColumn(heading);
            }

            foreach (var s in settings.Sources)
            {
                table.AddRow(
                    new Text(s.Name),
                    new Text(s.Location),
                    new Text(s.IsLocal ? "folder" : "NuGet v3 feed"),
                    new Text(s.HasApiKey ? "API key" : s.HasCredentials ? "user and password" : "-"),
                    new Markup(s.IsEnabled ? "[green]yes[/]" : "[grey]no[/]"));
            }

            console.Console.Write(table);
            return 0;
        });

        var name = new Argument<string>("name") { Description = "A name for the source." };
        var location = new Argument<string>("location") { Description = "A folder, or the service index URL of a NuGet v3 feed (…/v3/index.json)." };
        var user = new Option<string?>("--username") { Description = "User name for a private feed." };
        var password = new Option<string?>("--password") { Description = "Password or token for a private feed." };
        var apiKey = new Option<string?>("--api-key") { Description = "API key for a private feed (sent as the password of HTTP basic authentication)." };
        var addJson = PluginAICommand.JsonOption();
        var add = new Command("add", "Add or replace a package source.") { name, location, user, password, apiKey, addJson };
        add.SetAction(parse =>
        {
            var settings = RegistryFactory.Sources(RegistryFactory.Paths(parse));
            var source = settings.AddSource(parse.GetValue(name)!, parse.GetValue(location)!, parse.GetValue(user), parse.GetValue(password), parse.GetValue(apiKey));
            if (parse.GetValue(addJson))
            {
                JsonOutput.Write(console.Out, source);
            }
            else
            {
                console.Console.MarkupLineInterpolated($"Added source [bold]{source.Name}[/] -> {source.Location}");
            }

            return 0;
        });

        var removeName = new Argument<string>("name") { Description = "The source's name." };
        var removeJson = PluginAICommand.JsonOption();
        var remove = new Command("remove", "Remove a package source.") { removeName, removeJson };
        remove.SetAction(parse =>
        {
            var sourceName = parse.GetValue(removeName)!;
            if (!RegistryFactory.Sources(RegistryFactory.Paths(parse)).RemoveSource(sourceName))
            {
                throw new CliException($"No source named '{sourceName}'; 'pluginai sources list' shows them.");
            }

            if (parse.GetValue(removeJson))
            {
                JsonOutput.Write(console.Out, new { removed = sourceName });
            }
            else
            {
                console.Console.MarkupLineInterpolated($"Removed source [bold]{sourceName}[/].");
            }

            return 0;
        });

        var resetName = new Argument<string>("name") { Description = "The source's name." };
        var resetJson = PluginAICommand.JsonOption();
        var reset = new Command("reset-index", "Accept a registry's signed index after the registry was reset, even though its version is lower than the one seen before. The index must still be signed by a trusted registry key and be fresh; what changed is shown.") { resetName, resetJson };
        reset.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var result = await services.GetRequiredService<PluginService>().ResetIndexAsync(parse.GetValue(resetName)!, cancellationToken).ConfigureAwait(false);
            var signer = result.KeyName is null ? result.KeyId : $"{result.KeyName} ({result.KeyId})";
            if (parse.GetValue(resetJson))
            {
                JsonOutput.Write(console.Out, new
                {
                    source = result.SourceName,
                    result.SourceKey,
                    previous = result.Previous is { } p ? new { p.Registry, p.Version, p.Issued, p.Sha256 } : null,
                    accepted = new { result.Accepted.Registry, result.Accepted.Version, result.Accepted.Issued, result.Accepted.Expires },
                    result.KeyId,
                    keyName = result.KeyName,
                });
                return 0;
            }

            console.Console.MarkupLineInterpolated($"Source [bold]{result.SourceName}[/] ({result.SourceKey}): index reset accepted");
            console.Console.MarkupLineInterpolated($"  before: {(result.Previous is { } before ? $"{before.Registry} version {before.Version}, issued {before.Issued.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}" : "no index accepted before")}");
            console.Console.MarkupLineInterpolated($"  now:    {result.Accepted.Registry} version {result.Accepted.Version}, issued {result.Accepted.Issued.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}, signed by {signer}");
            if (result.Previous is { } old && !string.Equals(old.Registry, result.Accepted.Registry, StringComparison.Ordinal))
            {
                console.Error.WriteLine($"warning: the registry's name changed from '{old.Registry}' to '{result.Accepted.Registry}'");
            }

            return 0;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(add);
        command.Subcommands.Add(remove);
        command.Subcommands.Add(reset);
        return command;
    }
}
