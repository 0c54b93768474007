using System.CommandLine;
using Microsoft.Extensions.Logging;
using PluginAI.Host;
using PluginAI.Host.Hardware;

namespace PluginAI.Cli;

/// <summary>Starts a <see cref="PluginHost"/> from the global options.</summary>
internal static class HostFactory
{
    /// <summary>The probe the global options ask for: a saved profile (<c>--hardware-profile</c>) or this machine.</summary>
    public static IHardwareProbe Probe(ParseResult parse) => parse.GetValue(PluginAICommand.HardwareProfileOption) is { } file
        ? StaticHardwareProbe.FromFile(file.FullName)
        : new HardwareProbe();

    public static async Task<PluginHost> StartAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var options = new PluginHostOptions
        {
            HomeDirectory = parse.GetValue(PluginAICommand.HomeOption),
            AllowUnsigned = parse.GetValue(PluginAICommand.AllowUnsignedOption),
            RequireCertified = parse.GetValue(PluginAICommand.RequireCertifiedOption),
        };
        var probe = Probe(parse);
        var verbose = parse.GetValue(PluginAICommand.VerboseOption);
        var loggerFactory = LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Error);
            builder.AddSimpleConsole(o => o.SingleLine = true);
            builder.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        return await PluginHost.StartAsync(options, probe, loggerFactory, cancellationToken).ConfigureAwait(false);
    }
}
