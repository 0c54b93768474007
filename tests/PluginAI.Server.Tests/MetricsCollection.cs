namespace PluginAI.Server.Tests;

/// <summary>
/// Tests that read <c>/metrics</c> run alone: instruments are process-wide (the backends' meters are static and every
/// server's meter has the same name), so a server started by another test at the same time adds to or retires the
/// series a test reads.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics";
}
