namespace PluginAI.Hardware;

/// <summary>The type of an accelerator.</summary>
public enum AcceleratorType
{
    /// <summary>A graphics processor.</summary>
    Gpu,

    /// <summary>A neural processing unit.</summary>
    Npu,
}
