using System.CommandLine;
using PluginAI.Hardware;
using PluginAI.Host;
using PluginAI.Registry;
using PluginAI.Trust;

namespace PluginAI.Cli;

/// <summary>Creates the registry client, installer and hardware profile from the global options.</summary>
internal static class RegistryFactory
{
    /// <summary>The folder of the sample feed shipped next to the tool.</summary>
    public static string SampleFeedDirectory => Path.Combine(AppContext.BaseDirectory, "sample-feed");

    public static PluginAIPaths Paths(ParseResult parse) => new(parse.GetValue(PluginAICommand.HomeOption));

    public static PackageSourceSettings Sources(PluginAIPaths paths) =>
        PackageSourceSettings.Load(paths.Home, Directory.Exists(SampleFeedDirectory) ? SampleFeedDirectory : null);

    public static RegistryClient Client(PluginAIPaths paths) => new(Sources(paths));

    public static PluginInstaller Installer(ParseResult parse, PluginAIPaths paths, RegistryClient client) => new(paths, client, new PluginInstallerOptions
    {
        AllowUnsigned = parse.GetValue(PluginAICommand.AllowUnsignedOption),
        TrustPolicy = TrustPolicy.Load(paths.TrustPolicyFile),
        RequireSignedIndex = parse.GetValue(RequireSignedIndexOption),
    });

    public static Option<bool> RequireSignedIndexOption { get; } = new("--require-signed-index")
    {
        Description = "Install only from sources that serve an index signed by a trusted registry key (refuses local folder feeds).",
        Recursive = true,
    };

    public static Task<HardwareProfile> HardwareAsync(ParseResult parse, CancellationToken cancellationToken) =>
        HostFactory.Probe(parse).ProbeAsync(cancellationToken);
}
