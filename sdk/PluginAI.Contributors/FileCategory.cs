namespace PluginAI.Contributors;

/// <summary>What a changed file counts as.</summary>
public enum FileCategory
{
    /// <summary>Source code, build files and everything else that is neither documentation nor excluded.</summary>
    Code,

    /// <summary>Documentation.</summary>
    Docs,

    /// <summary>Generated, vendored or metadata files, which are not counted.</summary>
    Excluded,
}
