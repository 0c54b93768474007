using System.Reflection;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PluginAI.Backends;
using PluginAI.Manifest;
using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Host.Activation;

/// <summary>
/// Loads a plugin into this process, in an assembly load context of its own (McMaster.NETCore.Plugins), and composes it
/// with dependency injection. Plugins share only the contracts and the Microsoft.Extensions abstractions with the host.
/// </summary>
internal sealed class InProcessPluginActivator : IPluginActivator
{
    private static readonly Type[] s_sharedTypes =
    [
        typeof(IPlugin),
        typeof(IChatClient),
        typeof(IServiceCollection),
        typeof(ILogger),
        typeof(IOptions<>),
        typeof(StringValues),
    ];

    public string Name => "in-process";

    public bool CanActivate(PluginActivationRequest request) => request.Isolation != PluginIsolation.OutOfProcess;

    public async Task<ActivatedPlugin> ActivateAsync(PluginActivationRequest request, CancellationToken cancellationToken = default)
    {
        var assemblyPath = Path.GetFullPath(Path.Combine(request.EntryFolder, request.Entry.Assembly));
        if (!File.Exists(assemblyPath))
        {
            throw new PluginActivationException($"{request.ManifestPath}: field 'entry.assembly': the file {assemblyPath} does not exist");
        }

        PluginLoader? loader = null;
        ServiceProvider? provider = null;
        try
        {
            loader = PluginLoader.CreateFromAssemblyFile(assemblyPath, isUnloadable: true, s_sharedTypes, config =>
            {
                // Only the shared types' assemblies come from the host; everything else resolves from the plugin folder.
                // Assemblies load from their files, not from memory: plugins that find native libraries or data files
                // next to their assembly need Assembly.Location.
                config.PreferSharedTypes = false;
                config.LoadInMemory = false;
            });

            var plugin = CreateEntryPoint(loader, request.Entry, request.ManifestPath);
            var context = request.Context;
            Directory.CreateDirectory(context.DataDirectory);
            var services = new ServiceCollection();
            services.AddSingleton(request.LoggerFactory);
            services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
            services.AddSingleton(context);
            services.AddSingleton(context.License);
            services.AddSingleton(context.Hardware);
            services.AddSingleton(request.TokenCounters);
            plugin.ConfigureServices(services, context);
            provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
            var (ownedLoader, ownedProvider) = (loader, provider);
            var activated = new ActivatedPlugin(async () =>
            {
                try
                {
                    await ownedProvider.DisposeAsync().ConfigureAwait(false);
                }
                finally
                {
                    ownedLoader.Dispose();
                }
            })
            {
                Backends = [.. provider.GetServices<IInferenceBackend>()],
                Preprocessors = [.. provider.GetServices<IPreprocessor>()],
                Postprocessors = [.. provider.GetServices<IPostprocessor>()],
                Retrievers = [.. provider.GetServices<IRetriever>()],
            };
            return activated;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (provider is not null)
            {
                await provider.DisposeAsync().ConfigureAwait(false);
            }

            loader?.Dispose();
            throw ex is PluginActivationException
                ? ex
                : new PluginActivationException($"it threw while loading: {Unwrap(ex).GetType().Name}: {Unwrap(ex).Message}", ex);
        }
    }

    private static IPlugin CreateEntryPoint(PluginLoader loader, PluginEntryPoint entry, string manifestPath)
    {
        Assembly assembly;
        try
        {
            assembly = loader.LoadDefaultAssembly();
        }
        catch (BadImageFormatException ex)
        {
            throw new PluginActivationException($"{manifestPath}: field 'entry.assembly': {entry.Assembly} is not a .NET assembly ({ex.Message})");
        }

        var type = assembly.GetType(entry.Type, throwOnError: false)
            ?? throw new PluginActivationException($"{manifestPath}: field 'entry.type': the type '{entry.Type}' does not exist in {entry.Assembly}");
        if (!typeof(IPlugin).IsAssignableFrom(type))
        {
            var foreign = type.GetInterfaces().FirstOrDefault(i => i.FullName == typeof(IPlugin).FullName);
            throw new PluginActivationException(foreign is not null
                ? $"{manifestPath}: field 'entry.type': '{entry.Type}' implements a private copy of PluginAI.IPlugin; the plugin ships its own PluginAI.Abstractions.dll. Reference the contracts with Private=\"false\" ExcludeAssets=\"runtime\" and remove that file"
                : $"{manifestPath}: field 'entry.type': '{entry.Type}' does not implement PluginAI.IPlugin");
        }

        if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new PluginActivationException($"{manifestPath}: field 'entry.type': '{entry.Type}' needs to be a non-abstract class with a public parameterless constructor");
        }

        return (IPlugin)Activator.CreateInstance(type)!;
    }

    private static Exception Unwrap(Exception ex) => ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
}
