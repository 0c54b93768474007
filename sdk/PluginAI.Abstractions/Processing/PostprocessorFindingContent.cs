using Microsoft.Extensions.AI;

namespace PluginAI.Processing;

/// <summary>A postprocessor's finding, carried in its output stream among an update's contents.</summary>
/// <remarks>
/// Findings travel with the text they concern, so they cross process and machine boundaries with the stream. Callers
/// that show text ignore them; callers that report (the command line, the server) collect them.
/// </remarks>
public sealed class PostprocessorFindingContent : AIContent
{
    /// <summary>Initializes a new instance of the <see cref="PostprocessorFindingContent"/> class.</summary>
    /// <param name="finding">The finding.</param>
    public PostprocessorFindingContent(PostprocessorFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        Finding = finding;
    }

    /// <summary>Gets the finding.</summary>
    public PostprocessorFinding Finding { get; }

    /// <summary>Makes an update that carries findings and no text.</summary>
    /// <param name="findings">The findings.</param>
    /// <returns>The update.</returns>
    public static ChatResponseUpdate ToUpdate(IEnumerable<PostprocessorFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        return new ChatResponseUpdate(ChatRole.Assistant, [.. findings.Select(f => (AIContent)new PostprocessorFindingContent(f))]);
    }
}
