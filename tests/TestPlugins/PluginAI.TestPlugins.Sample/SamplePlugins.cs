using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json;
using PluginAI.Processing;

namespace PluginAI.TestPlugins.Sample;

/// <summary>Registers a postprocessor that tags the output with the Newtonsoft.Json version this plugin sees.</summary>
public sealed class TaggingPlugin : IPlugin
{
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddSingleton<IPostprocessor>(new TaggingPostprocessor(context.Manifest.Id, context.Variant));
}

/// <summary>Throws while registering its services.</summary>
public sealed class ThrowsOnLoadPlugin : IPlugin
{
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        throw new InvalidOperationException("broken on purpose at load");
}

/// <summary>Registers a postprocessor that throws in the middle of a stream.</summary>
public sealed class ThrowsOnCallPlugin : IPlugin
{
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddSingleton<IPostprocessor, ThrowingPostprocessor>();
}

/// <summary>Declares nothing it registers: used to check the kind check.</summary>
public sealed class RegistersNothingPlugin : IPlugin
{
    public void ConfigureServices(IServiceCollection services, PluginContext context)
    {
    }
}

/// <summary>Not a plugin at all.</summary>
public sealed class NotAPlugin
{
}

internal sealed class TaggingPostprocessor(string id, string? variant) : IPostprocessor
{
    public PostprocessorMetadata Metadata { get; } = new("tagging") { Order = 100 };

    public async IAsyncEnumerable<ChatResponseUpdate> ProcessAsync(IAsyncEnumerable<ChatResponseUpdate> updates, PostprocessorContext context, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            yield return update;
        }

        var json = typeof(JsonConvert).Assembly.GetName().Version;
        yield return new ChatResponseUpdate(ChatRole.Assistant, $" [{id}{(variant is null ? string.Empty : "/" + variant)} newtonsoft={json} {JsonConvert.SerializeObject(new { ok = true })}]");
    }
}

internal sealed class ThrowingPostprocessor : IPostprocessor
{
    public PostprocessorMetadata Metadata { get; } = new("throwing") { Order = 200 };

    public async IAsyncEnumerable<ChatResponseUpdate> ProcessAsync(IAsyncEnumerable<ChatResponseUpdate> updates, PostprocessorContext context, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            yield return update;
            throw new InvalidOperationException("broken on purpose at call time");
        }
    }
}
