namespace PluginAI.Manifest;

/// <summary>One problem found in a manifest.</summary>
/// <param name="File">The manifest file, or the name given to the text that was read.</param>
/// <param name="Field">The field as a JSON path such as <c>entry.type</c> or <c>kinds[1]</c>; empty for the whole document.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record ManifestError(string File, string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Field.Length == 0 ? $"{File}: {Message}" : $"{File}: field '{Field}': {Message}";
}
