namespace PluginAI.Host;

/// <summary>Options of the <see cref="PluginHost"/>.</summary>
public sealed class PluginHostOptions
{
    /// <summary>Gets or sets the PluginAI home folder; <see langword="null"/> uses <c>PLUGINAI_HOME</c> or the user profile.</summary>
    public string? HomeDirectory { get; set; }

    /// <summary>Gets or sets a value indicating whether to load the plugins shipped next to the application, in its <c>plugins</c> folder.</summary>
    public bool IncludeBundledPlugins { get; set; } = true;

    /// <summary>Gets additional folders to discover plugins in, searched after the home's and before the bundled ones.</summary>
    public IList<string> AdditionalPluginDirectories { get; } = [];

    /// <summary>Gets or sets the folder of bundled plugins; defaults to <c>plugins</c> next to the application.</summary>
    public string BundledPluginDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "plugins");
}
