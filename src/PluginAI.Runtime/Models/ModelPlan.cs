using PluginAI.Backends;

namespace PluginAI.Runtime.Models;

/// <summary>How a model would run here: the backend that loads it, the resolved file, and the device plan.</summary>
/// <param name="Backend">The backend that can load the model.</param>
/// <param name="Path">The resolved model path or built-in name.</param>
/// <param name="Plan">The device plan for this machine.</param>
public sealed record ModelPlan(IInferenceBackend Backend, string Path, DevicePlan Plan);
