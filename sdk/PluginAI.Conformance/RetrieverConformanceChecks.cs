using PluginAI.Conformance.Internal;
using PluginAI.Processing;
using PluginAI.Retrieval;

namespace PluginAI.Conformance;

/// <summary>
/// The conformance checks for retrievers, as plain async methods that need no test framework: xunit runs them through
/// <c>PluginAI.Testing</c>'s <c>RetrieverConformanceTests</c> (inherit that in your test project and implement
/// <see cref="CreateRetriever"/>), and <c>ConformanceRunner</c> runs them without a test runner. Every check runs against knowledge bases your retriever opens in a scratch folder.
/// </summary>
/// <remarks>
/// The suite uses 8-dimensional unit vectors along the axes, so expected rankings are exact. It checks what every host
/// relies on: upsert replaces a document whole, removal, listing, statistics, a cancelled upsert stores nothing, vectors
/// of another model are refused, searches run while documents are written and alongside each other, a cancelled search
/// throws, searches keep to their path and media type filters, return at most the requested number of passages best
/// first, and a disposed knowledge base throws <see cref="ObjectDisposedException"/>.
/// </remarks>
public abstract class RetrieverConformanceChecks : IDisposable
{
    private const int Dimensions = 8;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pluginai-retriever-conformance", Guid.NewGuid().ToString("N"));

    /// <summary>Creates the retriever under test.</summary>
    /// <returns>The retriever.</returns>
    protected abstract IRetriever CreateRetriever();

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Deletes the scratch folder.</summary>
    /// <param name="disposing">Whether managed state is being disposed.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>A stored document is found by vector and by keyword, and its chunks keep where they came from.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Upsert_ThenSearch_FindsChunksWithTheirSource()
    {
        await using var kb = await OpenAsync();
        await kb.UpsertDocumentAsync(Document("docs/a.md", ("alpha lighthouse", 0), ("beta bread", 1)));

        var byVector = await kb.SearchAsync(new RetrievalQuery { Text = "unrelated", Embedding = Axis(1), Top = 1, Mode = SearchMode.Vector });
        var passage = Check.Single(byVector);
        Check.Equal("beta bread", passage.Text);
        Check.Equal("docs/a.md", passage.SourcePath);
        Check.Equal("Section 1", passage.Section);

        var byKeyword = await kb.SearchAsync(new RetrievalQuery { Text = "lighthouse", Top = 1, Mode = SearchMode.Keyword });
        Check.Equal("alpha lighthouse", Check.Single(byKeyword).Text);
    }

    /// <summary>Upserting a document again replaces all its chunks; removing it removes them.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Upsert_ReplacesWholeDocument_AndRemoveDeletesIt()
    {
        await using var kb = await OpenAsync();
        await kb.UpsertDocumentAsync(Document("a.md", ("old one", 0), ("old two", 1), ("old three", 2)));
        await kb.UpsertDocumentAsync(Document("a.md", ("new only", 3)));

        var statistics = await kb.GetStatisticsAsync();
        Check.Equal((1L, 1L), (statistics.Documents, statistics.Chunks));
        Check.Empty(await kb.SearchAsync(new RetrievalQuery { Text = "old", Top = 5, Mode = SearchMode.Keyword }));

        Check.True(await kb.RemoveDocumentAsync("a.md"));
        Check.False(await kb.RemoveDocumentAsync("a.md"));
        Check.Equal(0L, (await kb.GetStatisticsAsync()).Chunks);
    }

    /// <summary>Documents are listed by source path with their hash and chunk count.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task List_ReturnsDocumentsOrderedByPath()
    {
        await using var kb = await OpenAsync();
        await kb.UpsertDocumentAsync(Document("b.md", ("b", 0)));
        await kb.UpsertDocumentAsync(Document("a.md", ("a one", 1), ("a two", 2)));

        var listed = new List<KnowledgeDocumentInfo>();
        await foreach (var document in kb.ListDocumentsAsync())
        {
            listed.Add(document);
        }

        Check.Equal(["a.md", "b.md"], listed.Select(d => d.SourcePath));
        Check.Equal(2, listed[0].ChunkCount);
        Check.Equal(Hash("a.md"), listed[0].ContentHash);
    }

    /// <summary>A cancelled upsert leaves the knowledge base as it was.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Upsert_Cancelled_StoresNothing()
    {
        await using var kb = await OpenAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Check.ThrowsAnyAsync<OperationCanceledException>(() => kb.UpsertDocumentAsync(Document("a.md", ("text", 0)), cts.Token));
        Check.Equal(0L, (await kb.GetStatisticsAsync()).Documents);
    }

    /// <summary>Reopening a knowledge base for another embedding model is a <see cref="PluginException"/>.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Open_WithAnotherEmbeddingModel_IsRefused()
    {
        await using (var kb = await OpenAsync())
        {
            await kb.UpsertDocumentAsync(Document("a.md", ("text", 0)));
        }

        await Check.ThrowsAsync<PluginException>(() => OpenAsync("another-model"));
    }

    /// <summary>Searches run while documents are being written.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Search_DuringWrites_IsSafe()
    {
        await using var kb = await OpenAsync();
        await kb.UpsertDocumentAsync(Document("seed.md", ("seed", 0)));
        var writes = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await kb.UpsertDocumentAsync(Document($"doc{i}.md", ($"text {i}", i % Dimensions)));
            }
        });
        var searches = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                Check.NotEmpty(await kb.SearchAsync(new RetrievalQuery { Text = "text", Embedding = Axis(i % Dimensions), Top = 3 }));
            }
        });
        await Task.WhenAll(writes, searches);
        Check.Equal(41L, (await kb.GetStatisticsAsync()).Documents);
    }

    /// <summary>A search whose token is already cancelled throws <see cref="OperationCanceledException"/>, in every mode the retriever supports.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Search_CancelledToken_Throws()
    {
        await using var kb = await OpenAsync();
        await kb.UpsertDocumentAsync(Document("a.md", ("alpha lighthouse", 0), ("beta bread", 1)));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        foreach (var mode in CreateRetriever().Metadata.Modes)
        {
            var query = new RetrievalQuery { Text = "lighthouse", Embedding = Axis(0), Top = 2, Mode = mode };
            var error = await Check.RecordExceptionAsync(() => kb.SearchAsync(query, cts.Token));
            Check.True(error is OperationCanceledException, $"a cancelled {mode} search {(error is null ? "returned results" : $"threw {error.GetType().Name}: {error.Message}")}");
        }
    }

    /// <summary>Concurrent searches give the same results as sequential ones.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Search_ConcurrentSearches_GiveTheSameResults()
    {
        await using var kb = await OpenAsync();
        for (var axis = 0; axis < Dimensions; axis++)
        {
            await kb.UpsertDocumentAsync(Document($"doc{axis}.md", ($"text {axis}", axis)));
        }

        var queries = Enumerable.Range(0, 16).Select(i => new RetrievalQuery { Text = $"text {i % Dimensions}", Embedding = Axis(i % Dimensions), Top = 2, Mode = SearchMode.Vector }).ToArray();
        var sequential = new List<string[]>();
        foreach (var query in queries)
        {
            sequential.Add([.. (await kb.SearchAsync(query)).Select(p => p.SourcePath)]);
        }

        var concurrent = await Task.WhenAll(queries.Select(q => Task.Run(async () => (await kb.SearchAsync(q)).Select(p => p.SourcePath).ToArray())));
        for (var i = 0; i < queries.Length; i++)
        {
            Check.Equal(sequential[i], concurrent[i]);
            Check.Equal($"doc{i % Dimensions}.md", concurrent[i][0]);
        }
    }

    /// <summary>A search with a path glob or media types returns passages of matching documents only.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Search_WithFilters_ReturnsOnlyMatchingDocuments()
    {
        await using var kb = await OpenAsync();
        await kb.UpsertDocumentAsync(Document("docs/guide.md", ("guide one", 0), ("guide two", 1)));
        await kb.UpsertDocumentAsync(Document("docs/sub/notes.txt", "text/plain", ("notes one", 2), ("notes two", 3)));
        await kb.UpsertDocumentAsync(Document("other/readme.md", ("readme one", 4), ("readme two", 5)));

        var byPath = await kb.SearchAsync(new RetrievalQuery { Text = "one", Embedding = Axis(4), Top = 10, Mode = SearchMode.Vector, PathGlob = "docs/**" });
        Check.NotEmpty(byPath);
        Check.All(byPath, p => Check.StartsWith("docs/", p.SourcePath, StringComparison.Ordinal));

        var byType = await kb.SearchAsync(new RetrievalQuery { Text = "one", Embedding = Axis(0), Top = 10, Mode = SearchMode.Vector, MediaTypes = ["text/plain"] });
        Check.NotEmpty(byType);
        Check.All(byType, p => Check.Equal("docs/sub/notes.txt", p.SourcePath));

        var both = await kb.SearchAsync(new RetrievalQuery { Text = "one", Embedding = Axis(2), Top = 10, Mode = SearchMode.Vector, PathGlob = "**/*.md", MediaTypes = ["text/markdown"] });
        Check.NotEmpty(both);
        Check.All(both, p => Check.EndsWith(".md", p.SourcePath, StringComparison.Ordinal));

        Check.Empty(await kb.SearchAsync(new RetrievalQuery { Text = "one", Embedding = Axis(0), Top = 10, Mode = SearchMode.Vector, PathGlob = "nowhere/**" }));
    }

    /// <summary>A search returns at most the requested number of passages, best first, in every mode the retriever supports.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Search_RespectsTop_AndOrdersByScore()
    {
        await using var kb = await OpenAsync();
        for (var axis = 0; axis < Dimensions; axis++)
        {
            await kb.UpsertDocumentAsync(Document($"doc{axis}.md", ($"lighthouse {string.Join(' ', Enumerable.Repeat("lamp", Dimensions - axis))}", axis)));
        }

        // Every chunk is similar to the query, the one on axis 0 most, then axis 1, and so on.
        var query = new float[Dimensions];
        for (var i = 0; i < Dimensions; i++)
        {
            query[i] = Dimensions - i;
        }

        var norm = MathF.Sqrt(query.Sum(v => v * v));
        query = [.. query.Select(v => v / norm)];

        var vector = await kb.SearchAsync(new RetrievalQuery { Text = "lighthouse lamp", Embedding = query, Top = 3, Mode = SearchMode.Vector });
        Check.Equal(["doc0.md", "doc1.md", "doc2.md"], vector.Select(p => p.SourcePath));
        Check.True(vector[0].Score > vector[1].Score && vector[1].Score > vector[2].Score, $"scores are not best first: {string.Join(", ", vector.Select(p => p.Score))}");

        foreach (var mode in CreateRetriever().Metadata.Modes)
        {
            var passages = await kb.SearchAsync(new RetrievalQuery { Text = "lighthouse lamp", Embedding = query, Top = 3, Mode = mode });
            Check.InRange(passages.Count, 1, 3);
            for (var i = 1; i < passages.Count; i++)
            {
                Check.True(passages[i - 1].Score >= passages[i].Score, $"{mode} scores are not best first: {string.Join(", ", passages.Select(p => p.Score))}");
            }
        }
    }

    /// <summary>A disposed knowledge base throws <see cref="ObjectDisposedException"/>, and disposing it again does nothing.</summary>
    /// <returns>A task.</returns>
    [ConformanceCheck]
    public virtual async Task Disposed_KnowledgeBase_ThrowsObjectDisposedException()
    {
        var kb = await OpenAsync();
        await kb.UpsertDocumentAsync(Document("a.md", ("text", 0)));
        await kb.DisposeAsync();

        await Check.ThrowsAnyAsync<ObjectDisposedException>(() => kb.SearchAsync(new RetrievalQuery { Text = "text", Embedding = Axis(0), Top = 1, Mode = SearchMode.Vector }));
        await Check.ThrowsAnyAsync<ObjectDisposedException>(() => kb.UpsertDocumentAsync(Document("b.md", ("text", 1))));
        await Check.ThrowsAnyAsync<ObjectDisposedException>(() => kb.RemoveDocumentAsync("a.md"));
        await Check.ThrowsAnyAsync<ObjectDisposedException>(() => kb.GetStatisticsAsync());
        await kb.DisposeAsync();
    }

    private Task<IKnowledgeBase> OpenAsync(string model = "conformance-model") =>
        CreateRetriever().OpenAsync(new KnowledgeBaseOptions { Name = "conformance", Directory = _folder, EmbeddingDimensions = Dimensions, EmbeddingModelId = model });

    private static DocumentContent Document(string path, params (string Text, int Axis)[] chunks) => Document(path, "text/markdown", chunks);

    private static DocumentContent Document(string path, string mediaType, params (string Text, int Axis)[] chunks) => new()
    {
        SourcePath = path,
        MediaType = mediaType,
        ContentHash = Hash(path),
        LastModified = DateTimeOffset.UnixEpoch,
        Chunks = [.. chunks.Select((c, i) => new DocumentChunk { Index = i, Text = c.Text, Section = $"Section {c.Axis}", StartOffset = i * 100, EndOffset = (i * 100) + c.Text.Length, Embedding = Axis(c.Axis) })],
    };

    private static float[] Axis(int axis)
    {
        var vector = new float[Dimensions];
        vector[axis] = 1;
        return vector;
    }

    private static string Hash(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path)));
}
