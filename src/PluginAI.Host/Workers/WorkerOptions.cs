namespace PluginAI.Host.Workers;

/// <summary>How the host runs and supervises plugin worker processes.</summary>
public sealed class WorkerOptions
{
    /// <summary>Gets or sets the worker program (<c>PluginAI.Worker.dll</c> or its native launcher); by default the one next to the host's assemblies.</summary>
    public string? WorkerPath { get; set; }

    /// <summary>Gets or sets how long a worker may take from start to handshake, loading its plugin included.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how often the host checks that a worker answers.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long a health check may take before the worker is killed and restarted.</summary>
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the deadline of one call, and of the wait for each item of a stream; a worker that overruns it is
    /// killed and restarted. Loading a model gets <see cref="LoadTimeout"/> instead.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the deadline of loading a model in a worker.</summary>
    public TimeSpan LoadTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets the wait before the first restart; each restart in a row doubles it, up to <see cref="MaxRestartDelay"/>.</summary>
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets or sets the longest wait before a restart.</summary>
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many restarts within <see cref="CrashLoopWindow"/> mark the plugin faulted instead of restarting it again.</summary>
    public int CrashLoopRestarts { get; set; } = 5;

    /// <summary>Gets or sets the window of <see cref="CrashLoopRestarts"/>.</summary>
    public TimeSpan CrashLoopWindow { get; set; } = TimeSpan.FromMinutes(2);
}
