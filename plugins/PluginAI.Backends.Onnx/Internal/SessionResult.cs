using Microsoft.ML.OnnxRuntime;

namespace PluginAI.Backends.Onnx.Internal;

/// <summary>A session and how it came about.</summary>
/// <param name="Session">The session.</param>
/// <param name="Device">The device it runs on.</param>
/// <param name="DeviceReason">Why that device.</param>
/// <param name="OptimizedGraph">Whether the optimised graph was built, reused or not cached, with its path.</param>
internal sealed record SessionResult(InferenceSession Session, string Device, string DeviceReason, string OptimizedGraph);
