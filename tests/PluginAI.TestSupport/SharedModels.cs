namespace PluginAI.TestSupport;

/// <summary>Real model files kept beside the repository (<c>../shared/models</c>) for tests that need real text from a real model.</summary>
public static class SharedModels
{
    /// <summary>Gets the path of stories260K.gguf, a 260K-parameter llama model trained on TinyStories.</summary>
    /// <exception cref="FileNotFoundException">The file is not where the repository's README says it is.</exception>
    public static string Stories260K => Find("stories260K.gguf");

    private static string Find(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PluginAI.sln")))
        {
            directory = directory.Parent;
        }

        var root = directory?.FullName ?? throw new FileNotFoundException($"Cannot find the repository root (PluginAI.sln) above {AppContext.BaseDirectory}, so {name} cannot be found.");
        var path = Path.GetFullPath(Path.Combine(root, "..", "shared", "models", name));
        return File.Exists(path) ? path : throw new FileNotFoundException($"The model {name} was looked for at {path} (../shared/models beside the repository) and is not there.", path);
    }
}
