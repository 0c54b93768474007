using System.Security;
using NuGet.Configuration;

namespace PluginAI.Registry;

/// <summary>
/// The package sources of a PluginAI home, kept in <c>&lt;home&gt;/pluginai.config</c>, a file shaped like
/// <c>nuget.config</c> (<c>packageSources</c>, <c>packageSourceCredentials</c>, <c>apikeys</c>) and read with
/// NuGet.Configuration, so credentials work as they do in NuGet. Without the file the sources are <c>local</c>
/// (<c>&lt;home&gt;/feed</c>) and, when it exists, <c>sample</c> (the sample feed the caller names).
/// </summary>
public sealed class PackageSourceSettings
{
    /// <summary>The config file's name inside the PluginAI home.</summary>
    public const string FileName = "pluginai.config";

    /// <summary>The name of the default local folder feed.</summary>
    public const string LocalSourceName = "local";

    /// <summary>The name of the default sample feed.</summary>
    public const string SampleSourceName = "sample";

    private readonly string? _sampleFeed;

    private PackageSourceSettings(string home, string? sampleFeed)
    {
        Home = Path.GetFullPath(home);
        _sampleFeed = sampleFeed is null ? null : Path.GetFullPath(sampleFeed);
    }

    /// <summary>Gets the PluginAI home.</summary>
    public string Home { get; }

    /// <summary>Gets the config file's path.</summary>
    public string ConfigPath => Path.Combine(Home, FileName);

    /// <summary>Gets the default local folder feed, <c>&lt;home&gt;/feed</c>.</summary>
    public string LocalFeedDirectory => Path.Combine(Home, "feed");

    /// <summary>Gets the sources, enabled or not, in the order they are searched.</summary>
    public IReadOnlyList<PluginPackageSource> Sources => [.. LoadNuGetSources().Select(Describe)];

    /// <summary>Reads the sources of a home.</summary>
    /// <param name="home">The PluginAI home folder.</param>
    /// <param name="sampleFeedDirectory">The sample feed shipped beside the tool, used as the <c>sample</c> source when the config file does not exist and the folder does.</param>
    /// <returns>The settings.</returns>
    public static PackageSourceSettings Load(string home, string? sampleFeedDirectory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(home);
        return new PackageSourceSettings(home, sampleFeedDirectory);
    }

    /// <summary>Finds a source by name (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The source.</returns>
    /// <exception cref="RegistryException">No source has that name.</exception>
    public PluginPackageSource Get(string name) =>
        Sources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new RegistryException($"{ConfigPath}: no package source named '{name}'; the sources are {string.Join(", ", Sources.Select(s => s.Name))}");

    /// <summary>Adds a source, or replaces the one with the same name, and saves the config file (created with the default sources first).</summary>
    /// <param name="name">The source's name.</param>
    /// <param name="location">A local folder or an HTTP(S) v3 service index URL such as <c>https://registry.example.com/v3/index.json</c>.</param>
    /// <param name="userName">The user name for a private feed, or <see langword="null"/>.</param>
    /// <param name="password">The password or token for a private feed, or <see langword="null"/>.</param>
    /// <param name="apiKey">The API key sent as <c>X-NuGet-ApiKey</c>, or <see langword="null"/>.</param>
    /// <returns>The source as saved.</returns>
    /// <exception cref="RegistryException">The name or location is not valid.</exception>
    public PluginPackageSource AddSource(string name, string location, string? userName = null, string? password = null, string? apiKey = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        if (name.Any(c => char.IsControl(c) || c is '"' or '<' or '>' or '&'))
        {
            throw new RegistryException($"'{name}' is not a valid source name; use letters, digits, '-', '_' and '.'");
        }

        string resolved;
        if (Uri.TryCreate(location, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            resolved = uri.ToString();
        }
        else if (Uri.TryCreate(location, UriKind.Absolute, out var other) && !other.IsFile)
        {
            throw new RegistryException($"'{location}' is not a package source; expected a local folder or an http(s) URL of a NuGet v3 service index");
        }
        else
        {
            resolved = Path.GetFullPath(location);
        }

        if ((userName is null) != (password is null))
        {
            throw new RegistryException($"Source '{name}': give both a user name and a password, or neither");
        }

        EnsureFile();
        var settings = OpenSettings();
        var provider = new PackageSourceProvider(settings);
        if (provider.GetPackageSourceByName(name) is not null)
        {
            provider.RemovePackageSource(name);
        }

        var source = new PackageSource(resolved, name);
        if (userName is not null)
        {
            source.Credentials = PackageSourceCredential.FromUserInput(name, userName, password!, storePasswordInClearText: !OperatingSystem.IsWindows(), validAuthenticationTypesText: null);
        }

        provider.AddPackageSource(source);
        if (apiKey is not null)
        {
            if (OperatingSystem.IsWindows())
            {
                SettingsUtility.SetEncryptedValueForAddItem(settings, ConfigurationConstants.ApiKeys, resolved, apiKey);
            }
            else
            {
                settings.AddOrUpdate(ConfigurationConstants.ApiKeys, new AddItem(resolved, apiKey));
            }
        }

        settings.SaveToDisk();
        return Get(name);
    }

    /// <summary>Removes a source with its credentials and API key, and saves the config file.</summary>
    /// <param name="name">The source's name.</param>
    /// <returns><see langword="true"/> when a source was removed.</returns>
    public bool RemoveSource(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!Sources.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        EnsureFile();
        var settings = OpenSettings();
        var provider = new PackageSourceProvider(settings);
        var source = provider.GetPackageSourceByName(name);
        if (source is null)
        {
            return false;
        }

        if (settings.GetSection(ConfigurationConstants.ApiKeys)?.GetFirstItemWithAttribute<AddItem>(ConfigurationConstants.KeyAttribute, source.Source) is { } key)
        {
            settings.Remove(ConfigurationConstants.ApiKeys, key);
        }

        provider.RemovePackageSource(source.Name);
        settings.SaveToDisk();
        return true;
    }

    /// <summary>Returns the NuGet package sources that are enabled, credentials included.</summary>
    /// <returns>The sources.</returns>
    /// <remarks>A source with an API key and no credentials gets the key as its password: the PluginAI registry accepts it there, and NuGet sends it when the server asks.</remarks>
    internal IReadOnlyList<PackageSource> GetEnabledNuGetSources()
    {
        var sources = LoadNuGetSources().Where(s => s.IsEnabled).ToList();
        foreach (var source in sources.Where(s => !s.IsLocal && s.Credentials is null))
        {
            if (GetApiKey(source) is { } apiKey)
            {
                source.Credentials = new PackageSourceCredential(source.Name, "apikey", apiKey, isPasswordClearText: true, validAuthenticationTypesText: null);
            }
        }

        return sources;
    }

    /// <summary>Returns the API key configured for a source, or <see langword="null"/>.</summary>
    /// <param name="source">The source.</param>
    /// <returns>The key.</returns>
    internal string? GetApiKey(PackageSource source)
    {
        if (!File.Exists(ConfigPath))
        {
            return null;
        }

        var settings = OpenSettings();
        if (OperatingSystem.IsWindows())
        {
            return SettingsUtility.GetDecryptedValueForAddItem(settings, ConfigurationConstants.ApiKeys, source.Source);
        }

        return settings.GetSection(ConfigurationConstants.ApiKeys)?.GetFirstItemWithAttribute<AddItem>(ConfigurationConstants.KeyAttribute, source.Source)?.Value;
    }

    private IReadOnlyList<PackageSource> LoadNuGetSources()
    {
        if (!File.Exists(ConfigPath))
        {
            return [.. Defaults().Select(d => new PackageSource(d.Location, d.Name))];
        }

        return [.. new PackageSourceProvider(OpenSettings()).LoadPackageSources()];
    }

    private IEnumerable<(string Name, string Location)> Defaults()
    {
        yield return (LocalSourceName, LocalFeedDirectory);
        if (_sampleFeed is not null && Directory.Exists(_sampleFeed))
        {
            yield return (SampleSourceName, _sampleFeed);
        }
    }

    private ISettings OpenSettings()
    {
        try
        {
            return Settings.LoadSpecificSettings(Home, FileName);
        }
        catch (NuGetConfigurationException ex)
        {
            throw new RegistryException($"{ConfigPath}: {ex.Message}", ex);
        }
    }

    private void EnsureFile()
    {
        if (File.Exists(ConfigPath))
        {
            return;
        }

        var xml = new System.Text.StringBuilder();
        xml.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n");
        foreach (var (name, location) in Defaults())
        {
            xml.Append("    <add key=\"").Append(SecurityElement.Escape(name)).Append("\" value=\"").Append(SecurityElement.Escape(location)).Append("\" />\n");
        }

        xml.Append("  </packageSources>\n</configuration>\n");
        Trust.AtomicFile.WriteAllBytes(ConfigPath, System.Text.Encoding.UTF8.GetBytes(xml.ToString()));
    }

    private PluginPackageSource Describe(PackageSource source) =>
        new(source.Name, source.Source, source.IsLocal, source.IsEnabled, source.Credentials is not null, GetApiKey(source) is not null);
}
