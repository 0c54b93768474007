using System.CommandLine;
using PluginAI.Host.Hardware;

namespace PluginAI.Cli;

/// <summary>The hardware probe the global options ask for.</summary>
internal static class HostFactory
{
    /// <summary>The probe the global options ask for: a saved profile (<c>--hardware-profile</c>) or this machine.</summary>
    public static IHardwareProbe Probe(ParseResult parse) => parse.GetValue(PluginAICommand.HardwareProfileOption) is { } file
        ? StaticHardwareProbe.FromFile(file.FullName)
        : new HardwareProbe();
}
