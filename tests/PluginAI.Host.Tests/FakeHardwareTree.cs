namespace PluginAI.Host.Tests;

/// <summary>A temporary folder standing for a machine's root, with the <c>/proc</c>, <c>/sys</c> and <c>/dev</c> files and links a test writes.</summary>
internal sealed class FakeHardwareTree : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "pluginai-hw", Guid.NewGuid().ToString("N"));

    /// <summary>Writes a file below the root, with LF line endings as the kernel writes them.</summary>
    public void Write(string relative, string content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    /// <summary>Creates a folder below the root.</summary>
    public void Folder(string relative) => Directory.CreateDirectory(Path.Combine(Root, relative));

    /// <summary>Creates a symbolic link below the root, as sysfs links devices and drivers.</summary>
    public void Link(string relative, string target)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Directory.CreateSymbolicLink(path, target);
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
