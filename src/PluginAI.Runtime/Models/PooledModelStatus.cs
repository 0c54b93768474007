namespace PluginAI.Runtime.Models;

/// <summary>Where a model in the <see cref="ModelPool"/> stands.</summary>
public enum PooledModelStatus
{
    /// <summary>Its backend is loading it; callers wait for the one load.</summary>
    Loading,

    /// <summary>Loaded and in use by at least one caller.</summary>
    InUse,

    /// <summary>Loaded and unused; unloaded when its keep-alive runs out or memory is needed.</summary>
    Idle,
}
