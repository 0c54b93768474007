using PluginAI.Hardware;

namespace PluginAI.Host.Hardware;

/// <summary>Describes the machine the host runs on.</summary>
/// <remarks>Injectable so that tests and planning for another machine can use a fixed profile (<see cref="StaticHardwareProbe"/>).</remarks>
public interface IHardwareProbe
{
    /// <summary>Probes the machine.</summary>
    /// <param name="cancellationToken">A token to cancel the probe.</param>
    /// <returns>The hardware profile.</returns>
    Task<HardwareProfile> ProbeAsync(CancellationToken cancellationToken = default);
}
