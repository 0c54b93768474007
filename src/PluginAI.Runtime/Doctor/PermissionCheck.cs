using PluginAI.Trust;

namespace PluginAI.Runtime.Doctor;

/// <summary>
/// Finds what decides which code PluginAI runs but other users can change: the plugins folder, each installed plugin's
/// files, the trust policy and the publisher pins. Anyone who can write there can run code as this user.
/// </summary>
internal static class PermissionCheck
{
    private const UnixFileMode WritableByOthers = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
    private const int MaxFilesPerPlugin = 10_000;

    public static IReadOnlyList<string> Find(PluginAIPaths paths)
    {
        if (OperatingSystem.IsWindows())
        {
            return [];
        }

        var warnings = new List<string>();
        Check(paths.Home, "the PluginAI home", warnings);
        Check(paths.TrustPolicyFile, "the trust policy", warnings);
        Check(Path.Combine(paths.Home, "publishers.json"), "the publisher pins", warnings);
        Check(paths.Plugins, "the plugins folder", warnings);
        if (!Directory.Exists(paths.Plugins))
        {
            return warnings;
        }

        foreach (var plugin in Directory.EnumerateDirectories(paths.Plugins).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal))
        {
            var writable = new List<string>();
            var entries = Directory.EnumerateFileSystemEntries(plugin, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true })
                .Prepend(plugin)
                .Take(MaxFilesPerPlugin);
            foreach (var entry in entries)
            {
                if (IsWritableByOthers(entry))
                {
                    writable.Add(entry);
                }
            }

            if (writable.Count > 0)
            {
                warnings.Add($"plugin {Path.GetFileName(plugin)}: {writable.Count} file{(writable.Count == 1 ? " is" : "s are")} writable by other users, such as {writable[0]} ({Mode(writable[0])}); anyone who can change them can run code in PluginAI. Fix with 'chmod -R go-w {plugin}'");
            }
        }

        return warnings;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Check(string path, string what, List<string> warnings)
    {
        if ((File.Exists(path) || Directory.Exists(path)) && IsWritableByOthers(path))
        {
            warnings.Add($"{what} {path} is writable by other users ({Mode(path)}); anyone who can change it decides which code PluginAI runs. Fix with 'chmod go-w {path}'");
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool IsWritableByOthers(string path)
    {
        try
        {
            return (File.GetUnixFileMode(path) & WritableByOthers) != 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string Mode(string path)
    {
        var mode = (int)File.GetUnixFileMode(path);
        return "mode " + Convert.ToString(mode, 8).PadLeft(3, '0');
    }
}
