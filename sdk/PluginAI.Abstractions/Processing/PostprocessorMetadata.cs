namespace PluginAI.Processing;

/// <summary>Describes a postprocessor.</summary>
/// <param name="Name">The postprocessor name, such as <c>pii-redaction</c>.</param>
public sealed record PostprocessorMetadata(string Name)
{
    /// <summary>Gets the position of the postprocessor in the chain; lower runs first. Citation checks use 100, redaction 900 so it sees the final text.</summary>
    public int Order { get; init; } = 500;

    /// <summary>Gets a short description of what the postprocessor changes.</summary>
    public string? Description { get; init; }
}
