namespace PluginAI.Trust;

/// <summary>
/// The layout of an installed plugin under <see cref="PluginAIPaths.Plugins"/>, which the installer writes and the host
/// reads: each version in <c>&lt;id&gt;/&lt;version&gt;/</c> with an install receipt, the active one named by
/// <c>&lt;id&gt;/current</c>.
/// </summary>
public static class InstalledPluginLayout
{
    /// <summary>The name of the file in an installed plugin's folder that names its active version.</summary>
    public const string CurrentVersionFileName = "current";

    /// <summary>The name of the file in each installed version's folder that records how it was installed.</summary>
    public const string InstallReceiptFileName = "pluginai-install.json";

    /// <summary>
    /// Follows an installed plugin's <c>current</c> file to the folder of its active version; a folder without one is a
    /// plugin folder itself.
    /// </summary>
    /// <param name="folder">A folder in a plugins directory.</param>
    /// <returns>The folder to load.</returns>
    public static string ResolveInstalledVersion(string folder)
    {
        var pointer = Path.Combine(folder, CurrentVersionFileName);
        if (!File.Exists(pointer))
        {
            return folder;
        }

        var version = File.ReadAllText(pointer).Trim();
        return version.Length == 0 || version.IndexOfAny(['/', '\\']) >= 0 || version.StartsWith('.')
            ? folder
            : Path.Combine(folder, version);
    }
}
