using PluginAI.Host.Planning;

namespace PluginAI.Runtime.Chat;

/// <summary>Which model a chat uses, and how.</summary>
public sealed class ChatSessionOptions
{
    /// <summary>Gets or sets a registered name or GGUF file; <see langword="null"/> applies the default-model rule.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets a value indicating whether to skip the postprocessor plugins.</summary>
    public bool Raw { get; set; }

    /// <summary>Gets or sets the user's device-planning choices.</summary>
    public PlanOverrides? Plan { get; set; }
}
