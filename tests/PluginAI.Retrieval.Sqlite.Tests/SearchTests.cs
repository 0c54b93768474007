using PluginAI.Retrieval.Sqlite.Internal;

namespace PluginAI.Retrieval.Sqlite.Tests;

public sealed class SearchTests : IDisposable
{
    private readonly TempKnowledgeBaseFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task VectorSearch_MatchesNaiveLoopOverAllChunks()
    {
        const int Dimensions = 32;
        var random = new Random(11);
        await using var kb = TestData.Open(_folder.Options(Dimensions));
        var all = new List<(string Text, float[] Vector)>();
        for (var d = 0; d < 40; d++)
        {
            var chunks = Enumerable.Range(0, 25).Select(i => ($"doc {d} chunk {i}", TestData.RandomUnitVector(random, Dimensions))).ToArray();
            all.AddRange(chunks);
            await kb.UpsertDocumentAsync(TestData.Document($"doc{d}.md", chunks));
        }

        for (var q = 0; q < 20; q++)
        {
            var query = TestData.RandomUnitVector(random, Dimensions);
            var expected = all
                .Select(c => (c.Text, Score: c.Vector.Zip(query, (a, b) => (double)a * b).Sum()))
                .OrderByDescending(c => c.Score)
                .Take(10)
                .ToList();

            var hits = await kb.SearchAsync(new RetrievalQuery { Text = string.Empty, Embedding = query, Top = 10, Mode = SearchMode.Vector });

            Assert.Equal(expected.Select(e => e.Text), hits.Select(h => h.Text));
            Assert.All(hits.Zip(expected), pair => Assert.Equal(pair.Second.Score, pair.First.Score, 4));
        }
    }

    [Fact]
    public void ExactScan_ParallelPartitions_MatchSingleThreadedResult()
    {
        const int Dimensions = 64;
        var random = new Random(5);
        var arena = new VectorArena(Dimensions);
        var vectors = new List<float[]>();
        for (var i = 0; i < 40_000; i++)
        {
            var vector = TestData.RandomUnitVector(random, Dimensions);
            vectors.Add(vector);
            arena.Add(i + 1, i % 7, vector);
        }

        var query = TestData.RandomUnitVector(random, Dimensions);
        var expected = Enumerable.Range(0, vectors.Count)
            .Select(i => (Row: (long)i + 1, Score: vectors[i].Zip(query, (a, b) => (double)a * b).Sum()))
            .OrderByDescending(c => c.Score)
            .Take(25)
            .Select(c => c.Row);

        var hits = arena.Search(query, 25, null);

        Assert.Equal(expected, hits.Select(h => arena.RowIdAt(h.Slot)));
    }

    [Fact]
    public void Arena_RemoveMovesLastVector_SearchStillFindsIt()
    {
        var arena = new VectorArena(4);
        arena.Add(10, 1, TestData.Axis(4, 0));
        arena.Add(20, 1, TestData.Axis(4, 1));
        arena.Add(30, 2, TestData.Axis(4, 2));

        Assert.True(arena.Remove(10));
        Assert.False(arena.Remove(10));

        var hit = Assert.Single(arena.Search(TestData.Axis(4, 2), 1, null));
        Assert.Equal(30, arena.RowIdAt(hit.Slot));
        Assert.Equal(2, arena.Count);
    }

    [Theory]
    [InlineData("\"unbalanced quote")]
    [InlineData("title:secret AND (NOT")]
    [InlineData("c++ -- NEAR(x y) * ^ {}")]
    [InlineData("what's the config? \"reload\" OR")]
    public async Task KeywordSearch_PunctuationAndQuotesInQuery_NeverFailsAndMatchesWords(string text)
    {
        await using var kb = TestData.Open(_folder.Options());
        await kb.UpsertDocumentAsync(TestData.Document("a.md", ("The config reload is triggered by SIGHUP; see the title secret.", TestData.Axis(8, 0))));
        await kb.UpsertDocumentAsync(TestData.Document("b.md", ("Unrelated gardening notes about tomatoes.", TestData.Axis(8, 1))));

        var hits = await kb.SearchAsync(new RetrievalQuery { Text = text, Mode = SearchMode.Keyword });

        Assert.All(hits, h => Assert.Equal("a.md", h.SourcePath));
        if (text.Contains("config", StringComparison.Ordinal) || text.Contains("secret", StringComparison.Ordinal))
        {
            Assert.Single(hits);
        }
    }

    [Fact]
    public async Task KeywordSearch_RanksChunkWithMoreMatchingTermsFirst()
    {
        await using var kb = TestData.Open(_folder.Options());
        await kb.UpsertDocumentAsync(TestData.Document("a.md", ("the reactor cooling pump", TestData.Axis(8, 0)), ("reactor", TestData.Axis(8, 1)), ("a cooling reactor pump manual for the pump", TestData.Axis(8, 2))));

        var hits = await kb.SearchAsync(new RetrievalQuery { Text = "Reactor pump!", Mode = SearchMode.Keyword, Top = 3 });

        Assert.Equal(3, hits.Count);
        Assert.Equal("reactor", hits[^1].Text);
        Assert.True(hits[0].Score >= hits[1].Score && hits[1].Score >= hits[2].Score);
    }

    [Fact]
    public async Task KeywordSearch_MatchesOtherFormsOfAWord()
    {
        await using var kb = TestData.Open(_folder.Options());
        await kb.UpsertDocumentAsync(TestData.Document("a.md", ("The children were running to the connected stations.", TestData.Axis(8, 0)), ("Unrelated gardening notes.", TestData.Axis(8, 1))));

        var hits = await kb.SearchAsync(new RetrievalQuery { Text = "run connection station", Mode = SearchMode.Keyword });

        Assert.StartsWith("The children", Assert.Single(hits).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchemaVersion1_KeywordIndexIsRebuiltWithTheStemmerOnOpen_AndNoChunkIsLost()
    {
        await using (var kb = TestData.Open(_folder.Options()))
        {
            await kb.UpsertDocumentAsync(TestData.Document("a.md", ("The children were running home.", TestData.Axis(8, 0)), ("Plain words only.", TestData.Axis(8, 1))));
        }

        var database = Path.Combine(_folder.Path, "kb.sqlite");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False"))
        {
            // The keyword index as schema version 1 wrote it: no stemming.
            connection.Open();
            using var downgrade = connection.CreateCommand();
            downgrade.CommandText = """
                DROP TABLE chunks_fts;
                CREATE VIRTUAL TABLE chunks_fts USING fts5(text, section, content = 'chunks', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
                INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');
                UPDATE metadata SET value = '1' WHERE key = 'schema_version';
                """;
            downgrade.ExecuteNonQuery();
            using var probe = connection.CreateCommand();
            probe.CommandText = "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH '\"run\"'";
            Assert.Equal(0L, (long)probe.ExecuteScalar()!);
        }

        await using (var kb = TestData.Open(_folder.Options()))
        {
            var hits = await kb.SearchAsync(new RetrievalQuery { Text = "run", Mode = SearchMode.Keyword });
            Assert.StartsWith("The children", Assert.Single(hits).Text, StringComparison.Ordinal);
            Assert.Equal(2, (await kb.SearchAsync(new RetrievalQuery { Text = "home", Embedding = TestData.Axis(8, 0), Mode = SearchMode.Vector, Top = 10 })).Count);
        }

        using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "SELECT value FROM metadata WHERE key = 'schema_version'";
        Assert.Equal("2", version.ExecuteScalar());
    }

    [Fact]
    public void FtsQuery_QuotesEveryWordAndDropsOperators()
    {
        Assert.Equal("\"NOT\" OR \"a\" OR \"b\" OR \"c\"", FtsQuery.Build("NOT a:b \"c\""));
        Assert.Null(FtsQuery.Build("  --- ?? "));
    }

    [Fact]
    public async Task HybridSearch_WithRrfSetting_FusesVectorAndKeywordRanksByReciprocalRank()
    {
        // Vector ranking (query = axis 0): V1 > V2 > K1 > K2. Keyword ranking for "zebra": K1 > K2 (V1, V2 lack the word).
        // RRF: K1 = 1/63 + 1/61, V1 = 1/61, V2 = 1/62, K2 = 1/64 + 1/62, so K1 > K2 > V1 > V2.
        await using var kb = TestData.Open(_folder.Options(), fusion: HybridFusion.ReciprocalRank);
        float[] Mix(float a, float b) => [a, b, 0, 0, 0, 0, 0, 0];
        await kb.UpsertDocumentAsync(TestData.Document(
            "a.md",
            ("V1 plain text", Mix(1f, 0f)),
            ("V2 plain text", Mix(0.9f, 0.436f)),
            ("K1 zebra zebra zebra", Mix(0.7f, 0.714f)),
            ("K2 zebra and other long words here", Mix(0.2f, 0.98f))));

        var hits = await kb.SearchAsync(new RetrievalQuery { Text = "zebra", Embedding = TestData.Axis(8, 0), Top = 4, Mode = SearchMode.Hybrid });

        Assert.Equal(["K1", "K2", "V1", "V2"], hits.Select(h => h.Text[..2]));
        Assert.Equal((1.0 / 63) + (1.0 / 61), hits[0].Score, 10);
        Assert.Equal(1.0 / 61, hits[2].Score, 10);
    }

    [Theory]
    [InlineData(0.8, new long[] { 1, 2, 3, 4 }, 0.8)]
    [InlineData(0.3, new long[] { 3, 1, 2, 4 }, 0.7)]
    public void ConvexFusion_WeighsMinMaxNormalisedScores(double alpha, long[] expected, double topScore)
    {
        // Vector scores 1.0, 0.5, 0.0 scale to 1, 0.5, 0; keyword scores 10, 5 scale to 1, 0.
        var fused = RankFusion.Convex([(1L, 1.0), (2L, 0.5), (3L, 0.0)], [(3L, 10.0), (4L, 5.0)], alpha);

        Assert.Equal(expected, fused.Select(f => f.Id));
        Assert.Equal(topScore, fused[0].Score, 12);
    }

    [Fact]
    public async Task HybridSearch_ByDefault_KeepsAMuchCloserVectorMatchAboveAWeakKeywordMatch()
    {
        await using var kb = TestData.Open(_folder.Options());
        float[] Mix(float a, float b) => [a, b, 0, 0, 0, 0, 0, 0];
        await kb.UpsertDocumentAsync(TestData.Document(
            "a.md",
            ("V1 plain text", Mix(1f, 0f)),
            ("V2 plain text", Mix(0.9f, 0.436f)),
            ("K1 zebra zebra zebra", Mix(0.7f, 0.714f)),
            ("K2 zebra and other long words here", Mix(0.2f, 0.98f))));

        var hits = await kb.SearchAsync(new RetrievalQuery { Text = "zebra", Embedding = TestData.Axis(8, 0), Top = 4, Mode = SearchMode.Hybrid });

        Assert.Equal("V1", hits[0].Text[..2]);
        Assert.Equal(0.8, hits[0].Score, 6);
        Assert.Equal("K2", hits[^1].Text[..2]);
    }

    [Fact]
    public void CalibratedFusion_BestKeywordMatchThatHoldsLittleOfTheQueryStaysWeak()
    {
        // K is the best keyword match, but its BM25 of 1 is a twentieth of what the query's words could score; min-max
        // scaling would give it the full keyword weight and put it first.
        var fused = RankFusion.Calibrated([(1L, 0.62, 0.0), (2L, 0.60, 1.0), (3L, 0.20, 0.0)], keywordCeiling: 20, alpha: 0.8);

        Assert.Equal([1L, 2L, 3L], fused.Select(f => f.Id));
        Assert.Equal((0.8 * 0.60) + (0.2 * 0.05), fused[1].Score, 12);
        Assert.Equal([2L, 1L, 3L], RankFusion.Convex([(1L, 0.62), (2L, 0.60), (3L, 0.20)], [(2L, 1.0)], 0.8).Select(f => f.Id));
    }

    [Fact]
    public void CalibratedFusion_StrongKeywordMatchOvertakesASlightlyCloserVector()
    {
        var fused = RankFusion.Calibrated([(1L, 0.62, 0.0), (2L, 0.58, 12.0)], keywordCeiling: 20, alpha: 0.8);

        Assert.Equal([2L, 1L], fused.Select(f => f.Id));
        Assert.Equal((0.8 * 0.58) + (0.2 * 0.6), fused[0].Score, 12);
    }

    [Fact]
    public async Task KeywordCeiling_IsTheSumOfIdfTimesK1PlusOneOverTheQueryWordsThatOccur()
    {
        await using var kb = TestData.Open(_folder.Options());
        await kb.UpsertDocumentAsync(TestData.Document("a.md", ("zebra crossing", TestData.Axis(8, 0)), ("plain road", TestData.Axis(8, 1)), ("plain street", TestData.Axis(8, 2)), ("plain lane", TestData.Axis(8, 3))));
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_folder.Path, "kb.sqlite")};Mode=ReadOnly");
        connection.Open();

        // zebra: 1 chunk of 4, idf = ln(3.5 / 1.5); plain: 3 of 4, idf = ln(1.5 / 3.5) < 0, floored at 1e-6; unicorn: none.
        var ceiling = KeywordSearch.Ceiling(connection, "zebra plain unicorn", rows: 4);

        Assert.Equal(2.2 * (Math.Log(3.5 / 1.5) + 1e-6), ceiling, 9);
        var zebra = Assert.Single(KeywordSearch.Search(connection, "zebra plain unicorn", 10, null), h => h.Score > 1e-3);
        Assert.InRange(zebra.Score, 0, ceiling);
    }

    [Fact]
    public void RankFusion_ItemInBothListsBeatsTopOfOne()
    {
        var fused = RankFusion.Fuse([1L, 2L, 3L], [3L, 4L]);

        Assert.Equal([3L, 1L, 2L, 4L], fused.Select(f => f.Id));
        Assert.Equal((1.0 / 63) + (1.0 / 61), fused[0].Score, 12);
    }

    [Fact]
    public async Task Filters_AppliedBeforeTopK_ReturnKMatchingPassages()
    {
        await using var kb = TestData.Open(_folder.Options());

        // The 30 chunks nearest the query are all in notes/; the docs/ chunks are farther away.
        for (var i = 0; i < 30; i++)
        {
            await kb.UpsertDocumentAsync(TestData.Document($"notes/n{i}.md", ($"note {i} shared", TestData.Axis(8, 0))));
        }

        for (var i = 0; i < 5; i++)
        {
            await kb.UpsertDocumentAsync(TestData.Document($"docs/guide/g{i}.md", ($"guide {i} shared", TestData.Axis(8, 1))));
            await kb.UpsertDocumentAsync(TestData.Document($"docs/api/p{i}.pdf", "application/pdf", ($"pdf {i} shared", TestData.Axis(8, 2))));
        }

        foreach (var mode in new[] { SearchMode.Vector, SearchMode.Keyword, SearchMode.Hybrid })
        {
            var byGlob = await kb.SearchAsync(new RetrievalQuery { Text = "shared", Embedding = TestData.Axis(8, 0), Top = 5, Mode = mode, PathGlob = "docs/**/*.md" });
            Assert.Equal(5, byGlob.Count);
            Assert.All(byGlob, h => Assert.StartsWith("docs/guide/", h.SourcePath, StringComparison.Ordinal));

            var byMedia = await kb.SearchAsync(new RetrievalQuery { Text = "shared", Embedding = TestData.Axis(8, 0), Top = 5, Mode = mode, MediaTypes = ["application/pdf"] });
            Assert.Equal(5, byMedia.Count);
            Assert.All(byMedia, h => Assert.Equal("application/pdf", h.MediaType));

            var none = await kb.SearchAsync(new RetrievalQuery { Text = "shared", Embedding = TestData.Axis(8, 0), Mode = mode, PathGlob = "docs/**", MediaTypes = ["text/html"] });
            Assert.Empty(none);
        }
    }

    [Fact]
    public async Task Search_ReturnsPassageMetadata()
    {
        await using var kb = TestData.Open(_folder.Options());
        var document = TestData.Document("a.pdf", "application/pdf", ("first", TestData.Axis(8, 0)), ("second", TestData.Axis(8, 1)));
        document = document with { Chunks = [document.Chunks[0], document.Chunks[1] with { Page = 3, Section = "Intro > Scope" }] };
        await kb.UpsertDocumentAsync(document);

        var hit = (await kb.SearchAsync(new RetrievalQuery { Text = "second", Embedding = TestData.Axis(8, 1), Top = 1, Mode = SearchMode.Vector })).Single();

        Assert.Equal(("a.pdf", "second", 1, 3, "Intro > Scope", "application/pdf", 100, 106), (hit.SourcePath, hit.Text, hit.ChunkIndex, hit.Page, hit.Section, hit.MediaType, hit.StartOffset, hit.EndOffset));
        Assert.Equal(1.0, hit.Score, 5);
    }

    [Fact]
    public async Task Search_QueryEmbeddingOfWrongDimension_ThrowsPluginException()
    {
        await using var kb = TestData.Open(_folder.Options());

        var error = await Assert.ThrowsAsync<PluginException>(() => kb.SearchAsync(new RetrievalQuery { Text = "x", Embedding = new float[3] }));

        Assert.Equal("knowledge-base.bad-embedding", error.ErrorCode);
    }

    [Fact]
    public async Task Search_ConcurrentWithWrites_NeverFailsAndSeesWholeDocuments()
    {
        await using var kb = TestData.Open(_folder.Options(16));
        var random = new Random(3);
        for (var i = 0; i < 20; i++)
        {
            await kb.UpsertDocumentAsync(TestData.Document($"d{i}.md", Enumerable.Range(0, 10).Select(c => ($"doc {i} chunk {c}", TestData.RandomUnitVector(random, 16))).ToArray()));
        }

        // Counted, not timed: on a loaded machine a reader may start late, and each must overlap real writes.
        var writerDone = false;
        var writer = Task.Run(async () =>
        {
            var writes = 0;
            var writerRandom = new Random(4);
            while (writes < 60)
            {
                var i = writes++ % 20;
                await kb.UpsertDocumentAsync(TestData.Document($"d{i}.md", Enumerable.Range(0, 10).Select(c => ($"doc {i} chunk {c}", TestData.RandomUnitVector(writerRandom, 16))).ToArray()));
                if (writes % 7 == 0)
                {
                    await kb.RemoveDocumentAsync($"d{i}.md");
                }
            }

            Volatile.Write(ref writerDone, true);
            return writes;
        });
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(async () =>
        {
            var searches = 0;
            var readerRandom = new Random(100 + r);
            while (!Volatile.Read(ref writerDone) || searches < 20)
            {
                var hits = await kb.SearchAsync(new RetrievalQuery { Text = "chunk", Embedding = TestData.RandomUnitVector(readerRandom, 16), Top = 10 });
                Assert.Equal(10, hits.Count);
                Assert.Equal(hits.Count, hits.Select(h => (h.SourcePath, h.ChunkIndex)).Distinct().Count());
                searches++;
            }

            return searches;
        })).ToArray();

        var writes = await writer;
        var searches = await Task.WhenAll(readers);

        Assert.Equal(60, writes);
        Assert.All(searches, s => Assert.True(s >= 20, $"only {s} searches"));
        Assert.Equal((await TestData.ListAsync(kb)).Sum(d => d.ChunkCount), (await kb.GetStatisticsAsync()).Chunks);
    }
}
