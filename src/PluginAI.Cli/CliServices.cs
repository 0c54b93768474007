using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PluginAI.Cli;

/// <summary>Builds the application layer (<c>AddPluginAI()</c>) from the global options, once per command.</summary>
internal static class CliServices
{
    public static ServiceProvider Create(ParseResult parse)
    {
        var verbose = parse.GetValue(PluginAICommand.VerboseOption);
        var services = new ServiceCollection();
        services.AddLogging(builder =>
        {
            builder.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Error);
            builder.AddSimpleConsole(o => o.SingleLine = true);
            builder.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        services.AddPluginAI(options =>
        {
            options.Host.HomeDirectory = parse.GetValue(PluginAICommand.HomeOption);
            options.Host.AllowUnsigned = parse.GetValue(PluginAICommand.AllowUnsignedOption);
            options.Host.RequireCertified = parse.GetValue(PluginAICommand.RequireCertifiedOption);
            options.HardwareProbe = HostFactory.Probe(parse);
            options.SampleFeedDirectory = RegistryFactory.SampleFeedDirectory;
            options.RequireSignedIndex = parse.GetValue(RegistryFactory.RequireSignedIndexOption);
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
