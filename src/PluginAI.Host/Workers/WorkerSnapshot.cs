namespace PluginAI.Host.Workers;

/// <summary>A plugin's worker process as the host sees it now.</summary>
/// <param name="State"><c>running</c>, <c>starting</c>, <c>restarting</c>, <c>faulted</c> or <c>stopped</c>.</param>
/// <param name="ProcessId">The worker's process id, or null when none runs.</param>
/// <param name="StartedAt">When the running worker started.</param>
/// <param name="MemoryBytes">The worker's resident memory, or null when none runs.</param>
/// <param name="Restarts">How many times the worker was restarted since the plugin was loaded.</param>
/// <param name="RecentCauses">Why it was restarted, newest last (the last ten).</param>
/// <param name="Fault">Why the plugin is faulted, when it is.</param>
public sealed record WorkerSnapshot(string State, int? ProcessId, DateTimeOffset? StartedAt, long? MemoryBytes, int Restarts, IReadOnlyList<WorkerRestart> RecentCauses, string? Fault)
{
    /// <summary>Gets how long the running worker has run.</summary>
    public TimeSpan? Uptime => StartedAt is { } started ? DateTimeOffset.UtcNow - started : null;
}

/// <summary>One restart of a worker.</summary>
/// <param name="At">When the worker ended.</param>
/// <param name="Cause">Why: its exit code or signal, a missed health check or an overrun deadline, with its last output.</param>
public sealed record WorkerRestart(DateTimeOffset At, string Cause);
