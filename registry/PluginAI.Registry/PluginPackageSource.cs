namespace PluginAI.Registry;

/// <summary>A package source as <c>pluginai sources list</c> shows it.</summary>
/// <param name="Name">The source's name (the <c>key</c> in the config file).</param>
/// <param name="Location">A local folder or an HTTP(S) NuGet v3 service index URL.</param>
/// <param name="IsLocal">Whether the source is a local folder feed.</param>
/// <param name="IsEnabled">Whether the source is used.</param>
/// <param name="HasCredentials">Whether a user name and password are configured for it.</param>
/// <param name="HasApiKey">Whether an API key is configured for it.</param>
public sealed record PluginPackageSource(string Name, string Location, bool IsLocal, bool IsEnabled, bool HasCredentials, bool HasApiKey);
