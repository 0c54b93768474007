namespace PluginAI.Certification;

/// <summary>How one conformance test ended.</summary>
public enum ConformanceOutcome
{
    /// <summary>The test ran and every check held.</summary>
    Passed,

    /// <summary>A check failed, the test threw, or it did not finish in time.</summary>
    Failed,

    /// <summary>The test was not run (a check method that takes parameters).</summary>
    Skipped,
}
