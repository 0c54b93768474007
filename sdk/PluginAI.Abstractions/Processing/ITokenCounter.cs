namespace PluginAI.Processing;

/// <summary>Counts tokens the way a model's tokenizer does, so that text can be cut to fit the model.</summary>
/// <remarks>
/// Embedding generators and chat clients expose one through <c>GetService(typeof(ITokenCounter))</c>; the ingestion
/// pipeline hands the embedding model's counter to chunkers in <see cref="DocumentContent.TokenCounter"/>. Thread-safe.
/// </remarks>
public interface ITokenCounter
{
    /// <summary>Counts the tokens of a text, without the special tokens a model adds around a whole input.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The number of tokens.</returns>
    int CountTokens(string text);
}
