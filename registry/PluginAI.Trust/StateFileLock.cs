using System.Globalization;

namespace PluginAI.Trust;

/// <summary>
/// A lock file held while a state file (license trials, the license clock) is read, changed and written, so that two
/// processes evaluating licenses at once cannot lose each other's update. Released when disposed.
/// </summary>
internal static class StateFileLock
{
    public static IDisposable Acquire(string stateFile, TimeSpan? timeout = null)
    {
        var path = stateFile + ".lock";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
            catch (IOException ex)
            {
                throw new TrustException(string.Create(CultureInfo.InvariantCulture, $"{stateFile}: another process has held {path} for too long; try again, or delete the lock file if no pluginai process is running."), ex);
            }
        }
    }
}
