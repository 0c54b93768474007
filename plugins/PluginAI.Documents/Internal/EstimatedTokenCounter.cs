using PluginAI.Processing;

namespace PluginAI.Documents.Internal;

/// <summary>The chunker's stand-in when the embedding model's counter is unknown: about four characters per token, as for English with BPE or WordPiece vocabularies.</summary>
internal sealed class EstimatedTokenCounter : ITokenCounter
{
    public static EstimatedTokenCounter Instance { get; } = new();

    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return (text.Length + 3) / 4;
    }
}
