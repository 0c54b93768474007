namespace PluginAI.Host.Hardware.Internal;

/// <summary>The file system tree the probes read (<c>/proc</c>, <c>/sys</c>, <c>/dev</c>, library folders), rooted at the real root or at a fake tree in tests.</summary>
/// <remarks>Reads never throw for missing or unreadable files: a probe that cannot read something reports less.</remarks>
internal sealed class ProbeFileSystem
{
    /// <summary>Initializes a new instance of the <see cref="ProbeFileSystem"/> class.</summary>
    /// <param name="rootPath">The root of the tree.</param>
    public ProbeFileSystem(string rootPath) => RootPath = rootPath;

    /// <summary>Gets the root of the tree.</summary>
    public string RootPath { get; }

    /// <summary>Gets whether the tree is this machine's own root, so native libraries and tools describe it.</summary>
    public bool IsRealRoot => RootPath == "/";

    /// <summary>Gets the full path of a path relative to the root, such as <c>proc/cpuinfo</c>.</summary>
    public string Resolve(string relative) => Path.Combine(RootPath, relative);

    /// <summary>Reads a file below the root, or returns <see langword="null"/> when it is missing or unreadable.</summary>
    public string? ReadText(string relative) => ReadFullPath(Resolve(relative));

    /// <summary>Reads a file by its full path, or returns <see langword="null"/> when it is missing or unreadable.</summary>
    public static string? ReadFullPath(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Gets the name a sysfs link points to (a driver, a PCI address), or the folder's own name when it is not a link.</summary>
    public static string? ResolveLinkName(string path)
    {
        try
        {
            var info = new DirectoryInfo(path);
            if (info.LinkTarget is { } target)
            {
                return Path.GetFileName(target.TrimEnd('/'));
            }

            return info.Exists ? info.Name : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
