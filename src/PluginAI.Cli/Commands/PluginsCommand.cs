using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Registry;
using PluginAI.Runtime.Plugins;
using Spectre.Console;

namespace PluginAI.Cli.Commands;

/// <summary><c>pluginai plugins</c>: find, install, update, remove and list plugins.</summary>
internal static class PluginsCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("plugins", "Find plugins in the package sources, install, update and remove them, and list what is installed.");
        command.Subcommands.Add(CreateList(console));
        command.Subcommands.Add(CreateSearch(console));
        command.Subcommands.Add(CreateInstall(console));
        command.Subcommands.Add(CreateUpdate(console));
        command.Subcommands.Add(CreateRemove(console));
        command.Subcommands.Add(CreatePin(console));
        command.Subcommands.Add(CreateIsolate(console));
        return command;
    }

    private static Command CreateList(CliConsole console)
    {
        var json = PluginAICommand.JsonOption();
        var list = new Command("list", "List discovered plugins with their status, signature and, for backends, certification per device.") { json };
        list.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var plugins = await services.GetRequiredService<PluginService>().ListAsync(cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, plugins.Select(PluginView.From));
            }
            else
            {
                console.Console.Write(PluginTable.Create(plugins, details: false));
            }

            return 0;
        });
        return list;
    }

    private static Command CreateSearch(CliConsole console)
    {
        var term = new Argument<string?>("term") { Description = "Words to look for in ids, descriptions and tags; empty lists everything.", Arity = ArgumentArity.ZeroOrOne };
        var kind = new Option<PluginKind?>("--kind") { Description = "Only plugins of this kind: backend, preprocessor, postprocessor or retriever." };
        var compatible = new Option<bool>("--compatible") { Description = "Only plugins that fit this host and this machine." };
        var certified = new Option<bool>("--certified") { Description = "Only plugins certified for this machine's devices." };
        var json = PluginAICommand.JsonOption();
        var command = new Command("search", "Search the package sources for plugins.") { term, kind, compatible, certified, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var plugins = services.GetRequiredService<PluginService>();
            var response = await Busy(console, parse.GetValue(json), "Searching the package sources…", () => plugins.SearchAsync(parse.GetValue(term), parse.GetValue(kind), parse.GetValue(compatible), parse.GetValue(certified), cancellationToken)).ConfigureAwait(false);
            foreach (var warning in response.Warnings)
            {
                console.Error.WriteLine($"warning: {warning}");
            }

            if (!parse.GetValue(json))
            {
                foreach (var left in response.NotCertified)
                {
                    console.Error.WriteLine($"left out: {left}");
                }
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { results = response.Results, notCertified = response.NotCertified, warnings = response.Warnings });
                return 0;
            }

            var table = new Table().RoundedBorder().Title("[bold]Plugins found[/]");
            foreach (var heading in new[] { "Plugin", "Version", "Kinds", "Fits this machine", "Certified", "Source", "Description" })
            {
                table.AddColumn(heading);
            }

            foreach (var r in response.Results)
            {
                table.AddRow(
                    new Text(r.Id),
                    new Text(r.Version),
                    new Text(string.Join(", ", r.Kinds.Select(k => k.ToString().ToLowerInvariant()))),
                    new Markup(r.Compatible switch
                    {
                        true => "[green]yes[/]",
                        false => $"[yellow]no[/]: {Markup.Escape(string.Join("; ", r.Problems))}",
                        null => "[grey]unknown[/]",
                    }),
                    new Text(r.Certified.ToString().ToLowerInvariant() + (r.CertificationReason is { } why ? Environment.NewLine + why : string.Empty)),
                    new Text(r.Source),
                    new Text(r.Description ?? string.Empty));
            }

            if (response.Results.Count == 0)
            {
                table.AddRow(new Text("(none)"), new Text(string.Empty), new Text(string.Empty), new Text(string.Empty), new Text(string.Empty), new Text(string.Empty), new Text("no plugin matched; 'pluginai sources list' shows where PluginAI looked"));
            }

            console.Console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command CreateInstall(CliConsole console)
    {
        var id = new Argument<string>("plugin") { Description = "The plugin id, optionally with a version or range: Acme.Upper, Acme.Upper@1.2.0, Acme.Upper@[1.0,2.0). Or a .nupkg file." };
        var json = PluginAICommand.JsonOption();
        var command = new Command("install", "Install the newest version that fits this host and machine, with the build (variant) that fits best; the choice is explained.") { id, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var plugins = services.GetRequiredService<PluginService>();
            var target = parse.GetValue(id)!;
            InstallResult result;
            if (target.EndsWith(".nupkg", StringComparison.OrdinalIgnoreCase) && File.Exists(target))
            {
                result = await Busy(console, parse.GetValue(json), $"Installing {Path.GetFileName(target)}…", () => plugins.InstallAsync(target, null, cancellationToken)).ConfigureAwait(false);
            }
            else
            {
                var (pluginId, versions) = CliParsing.PluginSpec(target);
                result = await Busy(console, parse.GetValue(json), $"Installing {pluginId}…", () => plugins.InstallAsync(pluginId, versions, cancellationToken)).ConfigureAwait(false);
            }

            Report(console, parse.GetValue(json), result.Plugin, result.PreviousVersion, result.Verification.Summary, result.Explanation, "Installed");
            return 0;
        });
        return command;
    }

    private static Command CreateUpdate(CliConsole console)
    {
        var id = new Argument<string?>("plugin") { Description = "The plugin id; without one, every installed plugin is updated.", Arity = ArgumentArity.ZeroOrOne };
        var json = PluginAICommand.JsonOption();
        var command = new Command("update", "Update installed plugins to the newest version that fits; a failed update leaves the installed version working.") { id, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var plugins = services.GetRequiredService<PluginService>();
            var ids = parse.GetValue(id) is { } one ? [one] : plugins.Installed();
            var results = new List<object>();
            var failures = 0;
            foreach (var pluginId in ids)
            {
                var outcome = await Busy(console, parse.GetValue(json), $"Updating {pluginId}…", () => plugins.UpdateAsync(pluginId, cancellationToken)).ConfigureAwait(false);
                if (outcome.Result is not { } update)
                {
                    failures++;
                    results.Add(new { id = pluginId, updated = false, error = outcome.Error });
                    console.Error.WriteLine($"error: {pluginId}: {outcome.Error} (the installed version is unchanged)");
                    continue;
                }

                var newVersion = update.Install?.Plugin.Version ?? update.InstalledVersion;
                results.Add(new { id = pluginId, update.Updated, version = newVersion, previousVersion = update.InstalledVersion, update.Explanation });
                if (!parse.GetValue(json))
                {
                    console.Console.MarkupLineInterpolated($"{pluginId}: {(update.Updated ? $"updated from {update.InstalledVersion} to {newVersion}" : $"{update.InstalledVersion} is the newest version that fits")}");
                    foreach (var line in update.Explanation)
                    {
                        console.Console.MarkupLineInterpolated($"  [grey]{line}[/]");
                    }
                }
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, results);
            }
            else if (ids.Count == 0)
            {
                console.Console.MarkupLine("No plugins are installed from a registry.");
            }

            return failures == 0 ? 0 : 1;
        });
        return command;
    }

    private static Command CreateRemove(CliConsole console)
    {
        var id = new Argument<string>("plugin") { Description = "The plugin id." };
        var json = PluginAICommand.JsonOption();
        var command = new Command("remove", "Remove an installed plugin (its data folder is kept).") { id, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = RegistryFactory.Paths(parse);
            await using var services = CliServices.Create(parse);
            var pluginId = parse.GetValue(id)!;
            if (!services.GetRequiredService<PluginService>().Remove(pluginId))
            {
                throw new CliException($"'{pluginId}' is not installed in {paths.Plugins}; 'pluginai plugins list' shows what is.");
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { removed = pluginId });
            }
            else
            {
                console.Console.MarkupLineInterpolated($"Removed [bold]{pluginId}[/]; its data in {Path.Combine(paths.Data, pluginId)} is kept.");
            }

            return 0;
        });
        return command;
    }

    private static Command CreateIsolate(CliConsole console)
    {
        var id = new Argument<string>("plugin") { Description = "The plugin id." };
        var where = new Argument<string>("where") { Description = "process (a supervised worker process of its own), in-process (inside the host), or default (as its manifest says)." };
        where.AcceptOnlyFromAmong("process", "in-process", "default");
        var json = PluginAICommand.JsonOption();
        var command = new Command("isolate", "Choose where a plugin runs: in a supervised worker process, where a native crash costs only the requests in flight, or inside the host. Takes effect when the plugin is next loaded.") { id, where, json };
        command.SetAction((parse, cancellationToken) =>
        {
            var home = new PluginAI.Trust.PluginAIPaths(parse.GetValue(PluginAICommand.HomeOption)).Home;
            var pluginId = parse.GetValue(id)!;
            var choice = parse.GetValue(where) switch
            {
                "process" => PluginAI.Manifest.PluginIsolation.OutOfProcess,
                "in-process" => PluginAI.Manifest.PluginIsolation.InProcess,
                _ => (PluginAI.Manifest.PluginIsolation?)null,
            };
            PluginAI.Host.Workers.IsolationSettings.Set(home, pluginId, choice);
            var text = choice switch
            {
                PluginAI.Manifest.PluginIsolation.OutOfProcess => "out-of-process",
                PluginAI.Manifest.PluginIsolation.InProcess => "in-process",
                _ => "default",
            };
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { id = pluginId, isolation = text, file = Path.Combine(home, PluginAI.Host.Workers.IsolationSettings.FileName) });
            }
            else
            {
                console.Console.MarkupLineInterpolated($"{pluginId}: {(choice is null ? "runs where its manifest says" : choice == PluginAI.Manifest.PluginIsolation.OutOfProcess ? "runs in a supervised worker process" : "runs inside the host")} from its next load (saved in {Path.Combine(home, PluginAI.Host.Workers.IsolationSettings.FileName)})");
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static Command CreatePin(CliConsole console)
    {
        var id = new Argument<string>("plugin") { Description = "The plugin id." };
        var publisher = new Option<string?>("--publisher") { Description = "The fingerprint (key id) of the publisher key that may sign the plugin from now on; without it, the current pin is shown." };
        var json = PluginAICommand.JsonOption();
        var command = new Command("pin", "Show or change the publisher a plugin is pinned to. The first signed install pins it; a package signed by another key is refused until it is re-pinned here.") { id, publisher, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = CliServices.Create(parse);
            var plugins = services.GetRequiredService<PluginService>();
            var pluginId = parse.GetValue(id)!;
            if (parse.GetValue(publisher) is not { } keyId)
            {
                var pin = plugins.GetPin(pluginId);
                if (parse.GetValue(json))
                {
                    JsonOutput.Write(console.Out, new { id = pluginId, publisher = pin });
                }
                else
                {
                    console.Console.MarkupLineInterpolated($"{pluginId}: {(pin is null ? "not pinned (no signed package of it was installed)" : $"pinned to {pin.Display} since {pin.Pinned.ToUniversalTime():yyyy-MM-dd}{(pin.Explicit ? " (pinned by hand)" : " (first install)")}")}");
                }

                return 0;
            }

            var (previous, current) = plugins.Pin(pluginId, keyId);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(console.Out, new { id = pluginId, previous, publisher = current });
            }
            else
            {
                console.Console.MarkupLineInterpolated($"{pluginId}: pinned to {current.Display}{(previous is null ? string.Empty : $", was {previous.Display}")}");
                if (current.Name is null)
                {
                    console.Error.WriteLine($"warning: key {current.KeyId} is not in the trust policy; its packages install only with --allow-unsigned until you trust it ('pluginai keys trust')");
                }
            }

            return 0;
        });
        return command;
    }

    private static Task<T> Busy<T>(CliConsole console, bool json, string text, Func<Task<T>> work) =>
        json ? work() : console.Console.Status().StartAsync(text, _ => work());

    private static void Report(CliConsole console, bool json, InstalledPlugin plugin, string? previous, string verification, IReadOnlyList<string> explanation, string verb)
    {
        if (json)
        {
            JsonOutput.Write(console.Out, new { plugin.Id, plugin.Version, plugin.Variant, plugin.Source, publisher = plugin.PublisherName, plugin.PublisherKeyId, previousVersion = previous, plugin.Directory, verification, explanation });
            return;
        }

        console.Console.MarkupLineInterpolated($"{verb} [bold]{plugin.Id} {plugin.Version}[/] ({plugin.Variant ?? "base build"}) from {plugin.Source}{(previous is null ? string.Empty : $", replacing {previous}")}");
        console.Console.MarkupLineInterpolated($"  [green]{verification}[/]");
        foreach (var line in explanation)
        {
            console.Console.MarkupLineInterpolated($"  [grey]{line}[/]");
        }
    }
}
