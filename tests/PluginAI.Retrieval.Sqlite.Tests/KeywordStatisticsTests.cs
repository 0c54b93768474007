using PluginAI.Processing;

namespace PluginAI.Retrieval.Sqlite.Tests;

/// <summary>
/// Keyword scores with a collection's statistics: a knowledge base given its own statistics scores as FTS5's
/// <c>bm25()</c> does, and parts of a collection given the sum of theirs score as one knowledge base holding them all.
/// </summary>
public sealed class KeywordStatisticsTests : IDisposable
{
    private const int Dimensions = 16;

    // Stems that collide (running, runs, runner), frequent and rare words, so that idf and length matter.
    private static readonly string[] s_vocabulary =
    [
        "the", "the", "the", "a", "a", "of", "of", "and", "plugin", "plugins", "running", "runs", "runner", "model", "models",
        "hardware", "cache", "search", "index", "token", "tokens", "lighthouse", "keeper", "lamp", "harbour", "ship",
        "anchor", "storm", "quantized", "weights", "memory", "mapped", "layers", "offload", "gpu", "thread",
    ];

    private static readonly string[] s_queries =
    [
        "plugin", "running plugins", "runs runner running", "lighthouse keeper", "the lamp of the harbour", "quantized weights memory",
        "gpu offload layers", "storm", "anchor ship storm harbour", "The Model!", "cache-index", "nothing matches zzz", "token tokens",
    ];

    private readonly TempKnowledgeBaseFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_knowledge_base_given_its_own_statistics_scores_as_fts5_bm25_does()
    {
        await using var kb = TestData.Open(_folder.Options(Dimensions));
        foreach (var document in Corpus(new Random(3), 40))
        {
            await kb.UpsertDocumentAsync(document);
        }

        var random = new Random(4);
        foreach (var text in s_queries)
        {
            var own = await kb.GetKeywordStatisticsAsync(text);
            Assert.NotNull(own);
            var embedding = TestData.RandomUnitVector(random, Dimensions);
            foreach (var mode in new[] { SearchMode.Keyword, SearchMode.Hybrid })
            {
                var query = new RetrievalQuery { Text = text, Embedding = embedding, Top = 10, Mode = mode };
                var expected = await kb.SearchAsync(query);
                var actual = await kb.SearchAsync(query with { KeywordStatistics = own });

                AssertSame(expected, actual, $"{mode} '{text}'");
            }
        }

        var stats = await kb.GetKeywordStatisticsAsync("running runs lighthouse zzz");
        Assert.Equal((await kb.GetStatisticsAsync()).Chunks, stats!.Chunks);
        Assert.True(stats.Tokens > stats.Chunks);
        Assert.Equal(["lighthous", "run", "zzz"], stats.TermChunks.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, stats.TermChunks["zzz"]);
    }

    [Fact]
    public async Task Parts_given_the_sum_of_their_statistics_merge_into_the_results_of_one_knowledge_base()
    {
        var documents = Corpus(new Random(7), 60);
        await using var whole = TestData.Open(_folder.Options(Dimensions, name: "whole"));
        var parts = new List<IKnowledgeBase>();
        for (var p = 0; p < 3; p++)
        {
            parts.Add(TestData.Open(_folder.Options(Dimensions, name: $"part{p}")));
        }

        try
        {
            for (var i = 0; i < documents.Count; i++)
            {
                await whole.UpsertDocumentAsync(documents[i]);
                await parts[i % 3].UpsertDocumentAsync(documents[i]);
            }

            var random = new Random(8);
            var differedWithoutStatistics = 0;
            foreach (var text in s_queries)
            {
                var embedding = TestData.RandomUnitVector(random, Dimensions);
                var corpus = KeywordStatistics.Sum(await Task.WhenAll(parts.Select(async p => (await p.GetKeywordStatisticsAsync(text))!)));
                Assert.Equal(await whole.GetKeywordStatisticsAsync(text), corpus, KeywordStatisticsComparer.Instance);
                foreach (var mode in new[] { SearchMode.Keyword, SearchMode.Hybrid })
                {
                    var query = new RetrievalQuery { Text = text, Embedding = embedding, Top = 5, Mode = mode };
                    var expected = await whole.SearchAsync(query);
                    var merged = await MergeAsync(parts, query with { KeywordStatistics = corpus });
                    AssertSame(expected, merged, $"{mode} '{text}'");

                    var local = await MergeAsync(parts, query);
                    differedWithoutStatistics += local.Select(h => h.Score).SequenceEqual(expected.Select(h => h.Score)) ? 0 : 1;
                }
            }

            // Each part's own statistics give other scores: the test would notice statistics that were not used.
            Assert.True(differedWithoutStatistics >= s_queries.Length, $"{differedWithoutStatistics} searches differed without the collection's statistics");
        }
        finally
        {
            foreach (var part in parts)
            {
                await part.DisposeAsync();
            }
        }
    }

    private static async Task<List<RetrievedPassage>> MergeAsync(IEnumerable<IKnowledgeBase> parts, RetrievalQuery query)
    {
        var hits = new List<RetrievedPassage>();
        foreach (var part in parts)
        {
            hits.AddRange(await part.SearchAsync(query));
        }

        return [.. hits.OrderByDescending(h => h.Score).ThenBy(h => h.SourcePath, StringComparer.Ordinal).ThenBy(h => h.ChunkIndex).Take(query.Top)];
    }

    private static void AssertSame(IReadOnlyList<RetrievedPassage> expected, IReadOnlyList<RetrievedPassage> actual, string what)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {actual.Count} passages, expected {expected.Count}");
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(Math.Abs(expected[i].Score - actual[i].Score) < 1e-9, $"{what}: passage {i} scores {actual[i].Score}, expected {expected[i].Score}");

            // Passages of equal score may come in either order; a different score at a rank is a different passage.
            var tied = expected.Where(e => Math.Abs(e.Score - expected[i].Score) < 1e-9).Select(e => (e.SourcePath, e.ChunkIndex)).ToList();
            Assert.True(tied.Contains((actual[i].SourcePath, actual[i].ChunkIndex)), $"{what}: passage {i} is {actual[i].SourcePath}#{actual[i].ChunkIndex}, expected {expected[i].SourcePath}#{expected[i].ChunkIndex}");
        }
    }

    private static List<DocumentContent> Corpus(Random random, int count)
    {
        var documents = new List<DocumentContent>();
        for (var d = 0; d < count; d++)
        {
            var chunks = Enumerable.Range(0, random.Next(1, 4))
                .Select(_ => (Text: Words(random, random.Next(4, 60)), Embedding: TestData.RandomUnitVector(random, Dimensions)))
                .ToArray();
            var document = TestData.Document($"docs/doc{d:D2}.md", chunks);
            documents.Add(document with
            {
                Chunks = [.. document.Chunks.Select(c => c with { Section = random.Next(3) == 0 ? null : Words(random, random.Next(1, 4)) })],
            });
        }

        return documents;
    }

    private static string Words(Random random, int count) =>
        string.Join(' ', Enumerable.Range(0, count).Select(_ => s_vocabulary[(int)(Math.Pow(random.NextDouble(), 1.7) * s_vocabulary.Length)]));

    private sealed class KeywordStatisticsComparer : IEqualityComparer<KeywordStatistics?>
    {
        public static readonly KeywordStatisticsComparer Instance = new();

        public bool Equals(KeywordStatistics? x, KeywordStatistics? y) =>
            x is not null && y is not null && x.Chunks == y.Chunks && x.Tokens == y.Tokens
            && x.TermChunks.Count == y.TermChunks.Count && x.TermChunks.All(pair => y.TermChunks.TryGetValue(pair.Key, out var count) && count == pair.Value);

        public int GetHashCode(KeywordStatistics? obj) => obj is null ? 0 : HashCode.Combine(obj.Chunks, obj.Tokens);
    }
}
