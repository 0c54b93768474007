using PluginAI.Hardware;
using PluginAI.Host;
using PluginAI.Runtime.Models;

namespace PluginAI.Runtime.Doctor;

/// <summary>What <c>doctor</c> reports, as data: this machine, the trust settings, every plugin with why it is or is not loaded.</summary>
/// <param name="Home">The PluginAI home in use.</param>
/// <param name="HostApi">The plugin API version the host implements.</param>
/// <param name="Trust">The trust settings.</param>
/// <param name="Hardware">This machine.</param>
/// <param name="Plugins">Every discovered plugin, loaded or not, with the reason.</param>
/// <param name="Model">How the model asked about would run here, or <see langword="null"/>.</param>
public sealed record DoctorReport(string Home, string HostApi, TrustSettings Trust, HardwareProfile Hardware, IReadOnlyList<PluginRecord> Plugins, ModelPlan? Model)
{
    /// <summary>Gets the problems of this installation's safety, such as a plugins folder, plugin file or trust policy that other users can write to.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
