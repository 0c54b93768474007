namespace PluginAI.Trust;

/// <summary>Writes files so that a crash leaves either the old or the new content, never a torn file.</summary>
public static class AtomicFile
{
    /// <summary>Writes bytes to a temporary file beside <paramref name="path"/>, flushes it to disk and renames it over the target.</summary>
    /// <param name="path">The file to replace.</param>
    /// <param name="bytes">The new content.</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
