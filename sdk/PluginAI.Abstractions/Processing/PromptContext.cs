using Microsoft.Extensions.AI;
using PluginAI.Retrieval;

namespace PluginAI.Processing;

/// <summary>A question on its way through the preprocessors.</summary>
/// <remarks>Immutable; preprocessors return a modified copy made with a <c>with</c> expression.</remarks>
public sealed record PromptContext
{
    /// <summary>Gets the user's question.</summary>
    public required string Question { get; init; }

    /// <summary>Gets the stage of the flow.</summary>
    public PromptStage Stage { get; init; }

    /// <summary>Gets the passages retrieved for the question, numbered from 1 in citation order; empty before retrieval.</summary>
    public IReadOnlyList<RetrievedPassage> Passages { get; init; } = [];

    /// <summary>Gets the messages to send to the model; a prompt template fills them after retrieval.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; init; } = [];

    /// <summary>Gets the text to search the knowledge base with; <see langword="null"/> means the question.</summary>
    public string? SearchText { get; init; }

    /// <summary>Gets settings for particular preprocessors, such as <c>template</c> for a prompt template that overrides the default.</summary>
    public AdditionalPropertiesDictionary? AdditionalProperties { get; init; }
}
