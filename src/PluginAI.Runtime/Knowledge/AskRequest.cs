using Microsoft.Extensions.AI;
using PluginAI.Host.Planning;
using PluginAI.Retrieval;

namespace PluginAI.Runtime.Knowledge;

/// <summary>A question to answer from a knowledge base, as plain data.</summary>
public sealed record AskRequest
{
    /// <summary>Gets the question.</summary>
    public required string Question { get; init; }

    /// <summary>Gets the knowledge base.</summary>
    public string KnowledgeBase { get; init; } = KnowledgeBaseService.DefaultName;

    /// <summary>
    /// Gets the model that writes the answer (registered name or GGUF file); <see langword="null"/> applies the
    /// default-model rule, and with no default model the answer quotes the best passages.
    /// </summary>
    public string? Model { get; init; }

    /// <summary>Gets a value indicating whether to answer extractively even when a default model is registered.</summary>
    public bool Extractive { get; init; }

    /// <summary>Gets how many passages to retrieve.</summary>
    public int Top { get; init; } = 5;

    /// <summary>Gets how to rank passages.</summary>
    public SearchMode Mode { get; init; } = SearchMode.Hybrid;

    /// <summary>Gets a glob that source paths must match.</summary>
    public string? PathGlob { get; init; }

    /// <summary>Gets a Scriban prompt template file (sees <c>question</c> and <c>passages</c>), or <see langword="null"/>.</summary>
    public string? TemplateFile { get; init; }

    /// <summary>Gets sampling and length options for the model.</summary>
    public ChatOptions? ChatOptions { get; init; }

    /// <summary>Gets the user's device-planning choices for the model.</summary>
    public PlanOverrides? Plan { get; init; }

    /// <summary>Gets settings for preprocessors, such as <c>template</c> (the template's text).</summary>
    public IReadOnlyDictionary<string, object?> Settings { get; init; } = new Dictionary<string, object?>();
}
