namespace PluginAI.Backends.Onnx.Benchmarks;

/// <summary>Deterministic English sentences of mixed length, from a few words to past the 256-token limit.</summary>
internal static class BenchmarkSentences
{
    private static readonly string[] s_subjects =
    [
        "The local assistant", "Our team", "The embedding model", "A mini PC on the desk", "The search index", "Every new document",
        "The user", "This quarterly report", "The retrieval pipeline", "A small language model", "The support engineer", "The knowledge base",
    ];

    private static readonly string[] s_verbs =
    [
        "answers questions about", "splits and indexes", "keeps a private copy of", "summarises", "compares", "finds the passages in",
        "cites the sources of", "checks the spelling of", "translates", "ranks the results for", "updates", "reads",
    ];

    private static readonly string[] s_objects =
    [
        "the tax documents from last year", "meeting notes written in a hurry", "the product manual", "contracts with several suppliers",
        "a folder of scanned invoices", "the onboarding guide for new staff", "research papers on battery chemistry", "the company's travel policy",
        "customer e-mails about delayed orders", "the source code of the billing service", "recipes collected over many years", "the wiki",
    ];

    private static readonly string[] s_clauses =
    [
        "without sending any data to the cloud", "while the laptop is offline", "in under a second", "even when the files are very large",
        "so that nobody has to search by hand", "because the deadline is on Friday", "and highlights the relevant paragraphs",
        "using only the CPU", "after every change to the folder", "with citations for each claim", "before the weekly meeting starts",
        "in English, German and French",
    ];

    /// <summary>Generates sentences; the same count gives the same sentences on every machine.</summary>
    /// <param name="count">How many.</param>
    /// <returns>The sentences.</returns>
    public static string[] Generate(int count)
    {
        var random = new Random(20240922);
        var sentences = new string[count];
        for (var i = 0; i < count; i++)
        {
            // Mostly short and medium sentences, with a tail of paragraphs: one to about forty clauses.
            var clauses = random.NextDouble() switch
            {
                < 0.5 => 1,
                < 0.8 => random.Next(2, 5),
                < 0.95 => random.Next(5, 12),
                _ => random.Next(12, 40),
            };
            var parts = new List<string>(clauses);
            for (var c = 0; c < clauses; c++)
            {
                var clause = $"{Pick(random, s_subjects)} {Pick(random, s_verbs)} {Pick(random, s_objects)}";
                parts.Add(random.Next(2) == 0 ? clause : $"{clause} {Pick(random, s_clauses)}");
            }

            sentences[i] = string.Join(". ", parts) + ".";
        }

        return sentences;
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}
