using PluginAI.Retrieval;

namespace PluginAI.Runtime.Ingestion;

/// <summary>Lists the files of a folder tree to ingest, honouring include and exclude globs and ignore files, and surviving links that loop.</summary>
internal static class FileWalker
{
    private static readonly PathGlob[] s_alwaysExcluded = [.. new[] { ".git/", ".hg/", ".svn/", "node_modules/", IngestionOptions.IgnoreFileName }.Select(PathGlob.Parse)];

    public static List<string> Walk(string root, IngestionOptions options, ICollection<SkippedFile> skipped)
    {
        var include = options.Include.Select(PathGlob.Parse).ToList();
        var exclude = options.Exclude.Select(PathGlob.Parse).Concat(s_alwaysExcluded).ToList();
        var files = new List<string>();
        var visited = new HashSet<string>(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        var stack = new Stack<(string Directory, List<(string Base, PathGlob Glob)> Ignores)>();
        var realRoot = Resolve(root);
        stack.Push((root, []));
        while (stack.Count > 0)
        {
            var (directory, inherited) = stack.Pop();
            string real;
            try
            {
                real = Resolve(directory);
            }
            catch (IOException ex)
            {
                skipped.Add(new SkippedFile(directory, $"the link cannot be followed: {ex.Message}"));
                continue;
            }

            if (!visited.Add(real))
            {
                skipped.Add(new SkippedFile(directory, $"symbolic link loop: it leads back to {real}, which is already being ingested"));
                continue;
            }

            var ignores = inherited;
            var ignoreFile = Path.Combine(directory, IngestionOptions.IgnoreFileName);
            if (File.Exists(ignoreFile))
            {
                ignores = [.. inherited, .. ReadIgnoreFile(ignoreFile, skipped).Select(g => (directory, g))];
            }

            IEnumerable<string> entries;
            try
            {
                entries = Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal).ToList();
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                skipped.Add(new SkippedFile(directory, ex is UnauthorizedAccessException ? "the folder cannot be read: permission denied" : $"the folder cannot be read: {ex.Message}"));
                continue;
            }

            var subdirectories = new List<string>();
            foreach (var entry in entries)
            {
                var relative = Path.GetRelativePath(root, entry).Replace('\\', '/');
                var isDirectory = Directory.Exists(entry);
                if (!options.FollowLinks && LeavesFolder(entry, isDirectory, realRoot) is { } target)
                {
                    skipped.Add(new SkippedFile(entry, $"symbolic link to {target}, outside the ingested folder; links that leave the folder are skipped (--follow-links follows them)"));
                    continue;
                }

                var probe = isDirectory ? relative + "/" : relative;
                if (exclude.Any(g => g.IsMatch(probe) || (isDirectory && g.IsMatch(relative + "/x")))
                    || ignores.Any(i => Matches(i.Glob, Path.GetRelativePath(i.Base, entry), isDirectory)))
                {
                    continue;
                }

                if (isDirectory)
                {
                    subdirectories.Add(entry);
                }
                else if (File.Exists(entry))
                {
                    if (include.Count == 0 || include.Any(g => g.IsMatch(relative)))
                    {
                        files.Add(entry);
                    }
                }
                else
                {
                    skipped.Add(new SkippedFile(entry, "broken symbolic link: its target does not exist"));
                }
            }

            for (var i = subdirectories.Count - 1; i >= 0; i--)
            {
                stack.Push((subdirectories[i], ignores));
            }
        }

        return files;
    }

    private static bool Matches(PathGlob glob, string relative, bool isDirectory)
    {
        relative = relative.Replace('\\', '/');
        return isDirectory ? glob.IsMatch(relative + "/") || glob.IsMatch(relative + "/x") || glob.IsMatch(relative) : glob.IsMatch(relative);
    }

    /// <summary>Returns where a link leads when that is outside the folder being ingested; <see langword="null"/> for anything else.</summary>
    private static string? LeavesFolder(string entry, bool isDirectory, string realRoot)
    {
        FileSystemInfo info = isDirectory ? new DirectoryInfo(entry) : new FileInfo(entry);
        if (info.LinkTarget is null || (!isDirectory && !File.Exists(entry)))
        {
            return null;
        }

        string target;
        try
        {
            target = Path.GetFullPath((info.ResolveLinkTarget(returnFinalTarget: true) ?? info).FullName).TrimEnd(Path.DirectorySeparatorChar);
        }
        catch (IOException)
        {
            return null;
        }

        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        var inside = string.Equals(target, realRoot, comparison) || target.StartsWith(realRoot + Path.DirectorySeparatorChar, comparison);
        return inside ? null : target;
    }

    private static string Resolve(string directory)
    {
        var info = new DirectoryInfo(directory);
        var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
        return Path.GetFullPath(target.FullName).TrimEnd(Path.DirectorySeparatorChar);
    }

    private static IEnumerable<PathGlob> ReadIgnoreFile(string path, ICollection<SkippedFile> skipped)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            skipped.Add(new SkippedFile(path, $"the ignore file cannot be read: {ex.Message}"));
            return [];
        }

        return lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(PathGlob.Parse).ToList();
    }
}
