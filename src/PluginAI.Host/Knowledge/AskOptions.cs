using Microsoft.Extensions.AI;
using PluginAI.Retrieval;

namespace PluginAI.Host.Knowledge;

/// <summary>How to answer a question from a knowledge base.</summary>
public sealed class AskOptions
{
    /// <summary>Gets or sets the number of passages to retrieve.</summary>
    public int Top { get; set; } = 5;

    /// <summary>Gets or sets how to rank passages.</summary>
    public SearchMode Mode { get; set; } = SearchMode.Hybrid;

    /// <summary>Gets or sets a glob source paths must match.</summary>
    public string? PathGlob { get; set; }

    /// <summary>Gets or sets the chat client that writes the answer; <see langword="null"/> gives an extractive answer.</summary>
    public IChatClient? ChatClient { get; set; }

    /// <summary>Gets or sets the chat options.</summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>Gets settings for preprocessors, such as <c>template</c>.</summary>
    public AdditionalPropertiesDictionary Settings { get; } = [];
}
