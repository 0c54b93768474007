namespace PluginAI.Processing;

/// <summary>Counts tokens the way a model's tokenizer does, so that text can be cut to fit the model.</summary>
/// <remarks>
/// Embedding generators and chat clients expose one through <c>GetService(typeof(ITokenCounter))</c>; chunkers find the
/// embedding model's counter through <see cref="ITokenCounterProvider"/> by <see cref="DocumentContent.EmbeddingModelId"/>.
/// Thread-safe.
/// </remarks>
public interface ITokenCounter
{
    /// <summary>Counts the tokens of a text, without the special tokens a model adds around a whole input.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The number of tokens.</returns>
    int CountTokens(string text);
}
