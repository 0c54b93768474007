using System.CommandLine;
using PluginAI.Cli.Commands;
using Spectre.Console;

namespace PluginAI.Cli;

/// <summary>The <c>pluginai</c> root command and its global options.</summary>
internal static class PluginAICommand
{
    public static Option<string?> HomeOption { get; } = new("--home")
    {
        Description = "The PluginAI home folder (plugins, models, knowledge bases). Default: $PLUGINAI_HOME, else ~/.pluginai.",
        Recursive = true,
    };

    public static Option<FileInfo?> HardwareProfileOption { get; } = new("--hardware-profile")
    {
        Description = "Use a hardware profile saved as JSON (for example from 'pluginai doctor --json') instead of probing this machine.",
        Recursive = true,
    };

    public static Option<bool> VerboseOption { get; } = new("--verbose", "-v")
    {
        Description = "Log what the host does to standard error.",
        Recursive = true,
    };

    public static Option<bool> AllowUnsignedOption { get; } = new("--allow-unsigned")
    {
        Description = "Install and load plugins that are unsigned or signed by keys this machine does not trust. Plugins whose files do not match their signed manifest are refused even so.",
        Recursive = true,
    };

    public static Option<bool> RequireCertifiedOption { get; } = new("--require-certified")
    {
        Description = "Refuse backends that no trusted certifier has certified for at least one device of this machine.",
        Recursive = true,
    };

    public static Option<bool> JsonOption() => new("--json") { Description = "Write machine-readable JSON instead of tables." };

    public static RootCommand Create(CliConsole console)
    {
        var root = new RootCommand("PluginAI: an offline AI assistant built from plugins.")
        {
            HomeOption,
            HardwareProfileOption,
            VerboseOption,
            AllowUnsignedOption,
            RequireCertifiedOption,
            RegistryFactory.RequireSignedIndexOption,
        };
        root.Subcommands.Add(DoctorCommand.Create(console));
        root.Subcommands.Add(PluginsCommand.Create(console));
        root.Subcommands.Add(ModelsCommand.Create(console));
        root.Subcommands.Add(RunCommand.Create(console));
        root.Subcommands.Add(EmbedCommand.Create(console));
        root.Subcommands.Add(IngestCommand.Create(console));
        root.Subcommands.Add(SearchCommand.Create(console));
        root.Subcommands.Add(AskCommand.Create(console));
        root.Subcommands.Add(EvalCommand.Create(console));
        root.Subcommands.Add(KbCommand.Create(console));
        root.Subcommands.Add(ContributorsCommand.Create(console));
        root.Subcommands.Add(KeysCommand.Create(console));
        root.Subcommands.Add(PackCommand.CreatePack(console));
        root.Subcommands.Add(PackCommand.CreateSign(console));
        root.Subcommands.Add(LicenseCommand.Create(console));
        root.Subcommands.Add(SourcesCommand.Create(console));
        root.Subcommands.Add(RegistryCommand.Create(console));
        root.Subcommands.Add(ServeCommand.Create(console));
        root.Subcommands.Add(ClusterCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        root.Subcommands.Add(CertifyCommand.Create(console));
        root.Subcommands.Add(CertificationsCommand.Create(console));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliConsole console)
    {
        var root = Create(console);
        var parse = root.Parse(args);
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception ex) when (ex is CliException or PluginException or PluginAI.Trust.TrustException or PluginAI.Registry.RegistryException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
        catch (Exception ex)
        {
            console.Error.WriteLine($"error: unexpected {ex.GetType().Name}: {ex.Message}");
            console.Error.WriteLine(parse.GetValue(VerboseOption) ? ex.ToString() : "Run the command again with --verbose for details.");

            return 1;
        }
    }
}
