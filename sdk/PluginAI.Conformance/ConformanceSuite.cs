namespace PluginAI.Conformance;

/// <summary>Identifies the conformance suites in this package.</summary>
public static class ConformanceSuite
{
    /// <summary>Gets the version of the suites; certification records name the version a plugin passed.</summary>
    public static string Version => "1.1.0";

    /// <summary>Gets how long a cancelled call may keep running before it counts as not honouring cancellation.</summary>
    public static TimeSpan CancellationGrace { get; } = TimeSpan.FromSeconds(5);
}
