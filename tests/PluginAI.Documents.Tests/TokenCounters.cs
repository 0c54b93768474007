using PluginAI.Processing;

namespace PluginAI.Documents.Tests;

/// <summary>Counts white-space separated words: simple and exact, so budgets can be checked by hand.</summary>
internal sealed class WhitespaceTokenCounter : ITokenCounter
{
    public int CountTokens(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var isSpace = char.IsWhiteSpace(c);
            if (!isSpace && !inWord)
            {
                count++;
            }

            inWord = !isSpace;
        }

        return count;
    }
}

/// <summary>
/// Counts roughly as BERT's WordPiece does: words and punctuation are split apart, each punctuation mark is a token,
/// and a word is one token plus one per further five characters (its "##" continuation pieces).
/// </summary>
internal sealed class WordPieceLikeTokenCounter : ITokenCounter
{
    public int CountTokens(string text)
    {
        var count = 0;
        var wordLength = 0;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                wordLength++;
                continue;
            }

            count += WordTokens(wordLength);
            wordLength = 0;
            if (!char.IsWhiteSpace(c))
            {
                count++;
            }
        }

        return count + WordTokens(wordLength);
    }

    private static int WordTokens(int length) => length == 0 ? 0 : 1 + ((length - 1) / 5);
}

/// <summary>Token counters by model id, as the host offers them to plugins; each test registers its own under a new id.</summary>
internal sealed class TestTokenCounters : ITokenCounterProvider
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ITokenCounter> _counters = new(StringComparer.Ordinal);

    public string Add(ITokenCounter counter)
    {
        var id = $"test-model-{Guid.NewGuid():N}";
        _counters[id] = counter;
        return id;
    }

    public ITokenCounter? GetTokenCounter(string modelId) => _counters.GetValueOrDefault(modelId);
}
