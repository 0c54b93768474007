using System.CommandLine;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai plugins</c>: manage installed plugins.</summary>
internal static class PluginsCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("plugins", "List and manage installed plugins.");
        var json = PluginAICommand.JsonOption();
        var list = new Command("list", "List installed plugins with their status.") { json };
        list.SetAction(async (parse, cancellationToken) =>
        {
            await using var host = await HostFactory.StartAsync(parse, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, host.Plugins.Select(PluginView.From));
            }
            else
            {
                console.Console.Write(PluginTable.Create(host.Plugins, details: false));
            }

            return 0;
        });
        command.Subcommands.Add(list);
        return command;
    }
}
