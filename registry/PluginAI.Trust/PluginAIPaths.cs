namespace PluginAI.Trust;

/// <summary>The folders of a PluginAI home: installed plugins, plugin data, models and caches.</summary>
/// <remarks>
/// The host and the registry both read and write this layout; <see cref="InstalledPluginLayout"/> describes the inside
/// of <see cref="Plugins"/>. The home is, in order of precedence: the folder given explicitly (the <c>--home</c> option), the
/// <c>PLUGINAI_HOME</c> environment variable, or <c>.pluginai</c> in the user's profile folder.
/// </remarks>
public sealed class PluginAIPaths
{
    /// <summary>The environment variable that overrides the home folder.</summary>
    public const string HomeVariable = "PLUGINAI_HOME";

    /// <summary>Initializes a new instance of the <see cref="PluginAIPaths"/> class.</summary>
    /// <param name="home">The home folder; <see langword="null"/> resolves it from the environment.</param>
    public PluginAIPaths(string? home = null)
    {
        Home = Path.GetFullPath(Resolve(home));
    }

    /// <summary>Gets the home folder.</summary>
    public string Home { get; }

    /// <summary>Gets the folder of installed plugins, one sub-folder per plugin.</summary>
    public string Plugins => Path.Combine(Home, "plugins");

    /// <summary>Gets the folder where plugins keep their data, one sub-folder per plugin id.</summary>
    public string Data => Path.Combine(Home, "data");

    /// <summary>Gets the folder of cached derived files, such as extracted or optimised models.</summary>
    public string Cache => Path.Combine(Home, "cache");

    /// <summary>Gets the folder of knowledge bases.</summary>
    public string KnowledgeBases => Path.Combine(Home, "kb");

    /// <summary>Gets the folder of this user's signing keys (private key files are readable only by their owner).</summary>
    public string Keys => Path.Combine(Home, "keys");

    /// <summary>Gets the trust policy: the publisher, certifier, registry and vendor keys this machine trusts.</summary>
    public string TrustPolicyFile => Path.Combine(Home, "trust.json");

    /// <summary>Gets the package sources file, shaped like <c>nuget.config</c>.</summary>
    public string SourcesFile => Path.Combine(Home, "pluginai.config");

    /// <summary>Gets the default local folder feed.</summary>
    public string LocalFeed => Path.Combine(Home, "feed");

    /// <summary>Gets the folder of installed licenses of paid plugins.</summary>
    public string Licenses => Path.Combine(Home, "licences");

    /// <summary>Gets the folder of certification records, one sub-folder per plugin id.</summary>
    public string Certifications => Path.Combine(Home, "certifications");

    /// <summary>Gets the registry of named models.</summary>
    public string ModelsFile => Path.Combine(Home, "models.json");

    private static string Resolve(string? home)
    {
        if (!string.IsNullOrWhiteSpace(home))
        {
            return home;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(HomeVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        var profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(profile) ? AppContext.BaseDirectory : profile, ".pluginai");
    }
}
