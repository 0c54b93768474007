using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PluginAI.Cli;

/// <summary>Builds the application layer (<c>AddPluginAI()</c>) from the global options, once per command.</summary>
internal static class CliServices
{
    public static ServiceProvider Create(ParseResult parse)
    {
        var services = new ServiceCollection();
        Configure(services, parse);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>Adds logging and the application layer configured from the global options.</summary>
    public static void Configure(IServiceCollection services, ParseResult parse, LogLevel quietLevel = LogLevel.Error)
    {
        var verbose = parse.GetValue(PluginAICommand.VerboseOption);
        services.AddLogging(builder =>
        {
            builder.SetMinimumLevel(verbose ? LogLevel.Debug : quietLevel);
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
    }
}
