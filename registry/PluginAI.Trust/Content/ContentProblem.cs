namespace PluginAI.Trust.Content;

/// <summary>One thing wrong with a plugin's content.</summary>
/// <param name="Path">The file concerned, such as <c>plugin/Acme.dll</c> or <c>pluginai.sig</c>.</param>
/// <param name="Message">What differed or is missing.</param>
/// <param name="Allowed">Whether the problem was let through because unsigned plugins are allowed.</param>
public sealed record ContentProblem(string Path, string Message, bool Allowed = false)
{
    /// <summary>Formats the problem as <c>path: message</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Path}: {Message}";
}
