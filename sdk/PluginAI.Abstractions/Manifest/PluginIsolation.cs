namespace PluginAI.Manifest;

/// <summary>Where a plugin runs.</summary>
public enum PluginIsolation
{
    /// <summary>In the host process, in an assembly load context of its own (<c>"in-process"</c>).</summary>
    InProcess,

    /// <summary>In a worker process, so that a native crash cannot take the host down (<c>"out-of-process"</c>).</summary>
    OutOfProcess,
}
