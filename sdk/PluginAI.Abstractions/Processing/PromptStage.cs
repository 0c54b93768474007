namespace PluginAI.Processing;

/// <summary>Where a prompt is in the question flow.</summary>
public enum PromptStage
{
    /// <summary>Before retrieval: rewrite or expand the question.</summary>
    BeforeRetrieval,

    /// <summary>After retrieval: render the messages for the model from the question and the passages.</summary>
    AfterRetrieval,
}
