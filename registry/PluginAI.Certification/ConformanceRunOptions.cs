using PluginAI.Hardware;

namespace PluginAI.Certification;

/// <summary>What a conformance run records about the plugin and the machine, and how long a test may take.</summary>
public sealed record ConformanceRunOptions
{
    /// <summary>Gets the id of the plugin under test, such as <c>acme.backends.cuda</c>, when known.</summary>
    public string? PluginId { get; init; }

    /// <summary>Gets the version of the plugin under test, when known.</summary>
    public string? PluginVersion { get; init; }

    /// <summary>Gets the machine the suite runs on, as the host's hardware probe describes it; <see langword="null"/> records only what the runtime knows.</summary>
    public HardwareProfile? Hardware { get; init; }

    /// <summary>Gets how long one test may run before it counts as failed; the default is five minutes.</summary>
    public TimeSpan TestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets the clock for the report's start and finish times and the test durations; <see langword="null"/> for the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }
}
