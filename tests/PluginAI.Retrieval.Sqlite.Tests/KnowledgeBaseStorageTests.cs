using System.Diagnostics;
using Microsoft.Data.Sqlite;
using PluginAI.Processing;
using PluginAI.Retrieval.Sqlite.Internal;

namespace PluginAI.Retrieval.Sqlite.Tests;

public sealed class KnowledgeBaseStorageTests : IDisposable
{
    private readonly TempKnowledgeBaseFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Upsert_StoresDocumentAndChunks_ListedWithCounts()
    {
        await using (var kb = TestData.Open(_folder.Options()))
        {
            await kb.UpsertDocumentAsync(TestData.Document("b.md", ("beta one", TestData.Axis(8, 1)), ("beta two", TestData.Axis(8, 2))));
            await kb.UpsertDocumentAsync(TestData.Document("a.md", ("alpha", TestData.Axis(8, 0))));

            var documents = await TestData.ListAsync(kb);
            Assert.Equal(["a.md", "b.md"], documents.Select(d => d.SourcePath));
            Assert.Equal([1, 2], documents.Select(d => d.ChunkCount));
            Assert.Equal(new string('a', 64), documents[0].ContentHash);

            var statistics = await kb.GetStatisticsAsync();
            Assert.Equal(2, statistics.Documents);
            Assert.Equal(3, statistics.Chunks);
            Assert.Equal("exact", statistics.VectorIndex);
            Assert.True(statistics.SizeBytes > 0);
        }

        Assert.True(File.Exists(Path.Combine(_folder.Path, "kb.sqlite")));
    }

    [Fact]
    public async Task Upsert_SamePath_ReplacesAllChunksWithoutDuplicates()
    {
        await using var kb = TestData.Open(_folder.Options());
        await kb.UpsertDocumentAsync(TestData.Document("a.md", ("old one", TestData.Axis(8, 0)), ("old two", TestData.Axis(8, 1)), ("old three", TestData.Axis(8, 2))));
        await kb.UpsertDocumentAsync(TestData.Document("a.md", ("new text", TestData.Axis(8, 3))));

        var statistics = await kb.GetStatisticsAsync();
        Assert.Equal(1, statistics.Documents);
        Assert.Equal(1, statistics.Chunks);
        var hits = await kb.SearchAsync(new RetrievalQuery { Text = "old", Embedding = TestData.Axis(8, 0), Top = 10 });
        Assert.Equal(["new text"], hits.Select(h => h.Text));
        Assert.Empty(await kb.SearchAsync(new RetrievalQuery { Text = "old", Mode = SearchMode.Keyword }));
    }

    [Fact]
    public async Task Remove_DeletesDocumentFromStoreAndSearch()
    {
        await using var kb = TestData.Open(_folder.Options());
        await kb.UpsertDocumentAsync(TestData.Document("a.md", ("alpha", TestData.Axis(8, 0))));
        await kb.UpsertDocumentAsync(TestData.Document("b.md", ("beta", TestData.Axis(8, 1))));
        _ = await kb.SearchAsync(new RetrievalQuery { Text = "alpha", Embedding = TestData.Axis(8, 0) });

        Assert.True(await kb.RemoveDocumentAsync("a.md"));
        Assert.False(await kb.RemoveDocumentAsync("a.md"));

        Assert.Equal(["b.md"], (await TestData.ListAsync(kb)).Select(d => d.SourcePath));
        var hits = await kb.SearchAsync(new RetrievalQuery { Text = "alpha", Embedding = TestData.Axis(8, 0), Top = 5 });
        Assert.DoesNotContain(hits, h => h.SourcePath == "a.md");
        Assert.Empty(await kb.SearchAsync(new RetrievalQuery { Text = "alpha", Mode = SearchMode.Keyword }));
    }

    [Fact]
    public async Task Upsert_CancelledBetweenChunks_LeavesOldVersionIntact()
    {
        await using var kb = TestData.Open(_folder.Options());
        await kb.UpsertDocumentAsync(TestData.Document("a.md", ("old one", TestData.Axis(8, 0)), ("old two", TestData.Axis(8, 1))));

        using var cancellation = new CancellationTokenSource();
        var newChunks = Enumerable.Range(0, 10).Select(i => new DocumentChunk { Index = i, Text = $"new {i}", Embedding = TestData.Axis(8, i % 8) }).ToList();
        var document = TestData.Document("a.md") with { Chunks = new CancellingList(newChunks, cancelAt: 5, cancellation) };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => kb.UpsertDocumentAsync(document, cancellation.Token));

        var hits = await kb.SearchAsync(new RetrievalQuery { Text = "old new", Embedding = TestData.Axis(8, 0), Top = 20 });
        Assert.Equal(["old one", "old two"], hits.Select(h => h.Text).Order());
        Assert.Equal(2, (await kb.GetStatisticsAsync()).Chunks);
        Assert.Equal(2, (await TestData.ListAsync(kb)).Single().ChunkCount);
    }

    [Fact]
    public async Task Upsert_ChunkWithWrongDimension_ThrowsAndKeepsOldVersion()
    {
        await using var kb = TestData.Open(_folder.Options());
        await kb.UpsertDocumentAsync(TestData.Document("a.md", ("old", TestData.Axis(8, 0))));

        var error = await Assert.ThrowsAsync<PluginException>(() => kb.UpsertDocumentAsync(TestData.Document("a.md", ("good", TestData.Axis(8, 0)), ("bad", new float[4]))));

        Assert.Equal("knowledge-base.bad-embedding", error.ErrorCode);
        Assert.Equal(["old"], (await kb.SearchAsync(new RetrievalQuery { Text = "x", Embedding = TestData.Axis(8, 0) })).Select(h => h.Text));
    }

    [Fact]
    public async Task Open_WithOtherEmbeddingModel_ThrowsNamingDatabaseAndBothModels()
    {
        await using (var kb = TestData.Open(_folder.Options(model: "all-MiniLM-L6-v2")))
        {
            await kb.UpsertDocumentAsync(TestData.Document("a.md", ("alpha", TestData.Axis(8, 0))));
        }

        var byModel = Assert.Throws<PluginException>(() => TestData.Open(_folder.Options(model: "bge-small-en")));
        var byDimension = Assert.Throws<PluginException>(() => TestData.Open(_folder.Options(dimensions: 16, model: "all-MiniLM-L6-v2")));

        var databasePath = Path.Combine(_folder.Path, "kb.sqlite");
        Assert.Contains(databasePath, byModel.Message, StringComparison.Ordinal);
        Assert.Contains("all-MiniLM-L6-v2", byModel.Message, StringComparison.Ordinal);
        Assert.Contains("bge-small-en", byModel.Message, StringComparison.Ordinal);
        Assert.Equal(databasePath, byModel.FilePath);
        Assert.Equal("knowledge-base.embedding-mismatch", byModel.ErrorCode);
        Assert.Contains("16 dimensions", byDimension.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_AfterUncommittedTransactionAndLeftoverWal_RecoversLastCommittedState()
    {
        var options = _folder.Options();
        await using (var kb = TestData.Open(options))
        {
            await kb.UpsertDocumentAsync(TestData.Document("a.md", ("committed", TestData.Axis(8, 0))));
        }

        var databasePath = Path.Combine(_folder.Path, "kb.sqlite");
        var copy = Path.Combine(_folder.Path, "crashed");
        Directory.CreateDirectory(copy);

        // A writer that commits a second document, then dies inside a third transaction: copying the files while
        // its connection is open is what a kill leaves on disk (main file, WAL with committed and uncommitted frames).
        using (var writer = new SqliteConnection($"Data Source={databasePath};Pooling=False"))
        {
            writer.Open();
            using (var noCheckpoint = writer.CreateCommand())
            {
                noCheckpoint.CommandText = "PRAGMA wal_autocheckpoint = 0";
                noCheckpoint.ExecuteNonQuery();
            }

            await using (var kb = TestData.Open(options))
            {
                await kb.UpsertDocumentAsync(TestData.Document("b.md", ("second", TestData.Axis(8, 1))));

                using var transaction = writer.BeginTransaction();
                using var insert = writer.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "DELETE FROM chunks; DELETE FROM documents;";
                insert.ExecuteNonQuery();
                foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
                {
                    if (File.Exists(databasePath + suffix))
                    {
                        CopyShared(databasePath + suffix, Path.Combine(copy, "kb.sqlite" + suffix));
                    }
                }
            }
        }

        Assert.True(File.Exists(Path.Combine(copy, "kb.sqlite-wal")));
        await using var reopened = TestData.Open(options with { Directory = copy });
        Assert.Equal("ok", IntegrityCheck(Path.Combine(copy, "kb.sqlite")));
        Assert.Equal(["a.md", "b.md"], (await TestData.ListAsync(reopened)).Select(d => d.SourcePath));
        Assert.Equal(["second"], (await reopened.SearchAsync(new RetrievalQuery { Text = "second", Mode = SearchMode.Keyword })).Select(h => h.Text));
        await reopened.UpsertDocumentAsync(TestData.Document("c.md", ("after crash", TestData.Axis(8, 2))));
        Assert.Equal(3, (await reopened.GetStatisticsAsync()).Documents);
    }

    [Fact]
    public async Task Open_AfterWriterProcessKilledMidWrite_HasOnlyWholeDocuments()
    {
        var testAssembly = typeof(CrashWriter).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", ["exec", testAssembly, "crash-writer", _folder.Path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var committed = 0;
        try
        {
            // Let it commit a few rounds, then kill it at an arbitrary moment, usually inside an upsert.
            while (committed < 8)
            {
                var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                Assert.NotNull(line);
                committed++;
            }

            await Task.Delay(Random.Shared.Next(1, 30));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        await using var kb = TestData.Open(_folder.Options(dimensions: 16));
        Assert.Equal("ok", IntegrityCheck(Path.Combine(_folder.Path, "kb.sqlite")));
        var documents = await TestData.ListAsync(kb);
        Assert.InRange(documents.Count, 5, 5);
        Assert.All(documents, d => Assert.Equal(CrashWriter.ChunksPerDocument, d.ChunkCount));
        Assert.Equal(5L * CrashWriter.ChunksPerDocument, (await kb.GetStatisticsAsync()).Chunks);

        // Every document holds the chunks of exactly one round, never a mix.
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder.Path, "kb.sqlite")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT document_id, COUNT(DISTINCT substr(text, 1, instr(text, ' chunk'))) FROM chunks GROUP BY document_id";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            Assert.Equal(1, reader.GetInt32(1));
        }

        var hits = await kb.SearchAsync(new RetrievalQuery { Text = "chunk", Embedding = TestData.RandomUnitVector(new Random(1), 16), Top = 10 });
        Assert.Equal(10, hits.Count);
    }

    private static string IntegrityCheck(string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check; ";
        var result = (string)command.ExecuteScalar()!;
        command.CommandText = "INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)";
        command.ExecuteNonQuery();
        return result;
    }

    private static void CopyShared(string source, string destination)
    {
        using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var output = File.Create(destination);
        input.CopyTo(output);
    }

    private sealed class CancellingList(IReadOnlyList<DocumentChunk> inner, int cancelAt, CancellationTokenSource cancellation) : IReadOnlyList<DocumentChunk>
    {
        public int Count => inner.Count;

        public DocumentChunk this[int index] => inner[index];

        public IEnumerator<DocumentChunk> GetEnumerator()
        {
            for (var i = 0; i < inner.Count; i++)
            {
                if (i == cancelAt)
                {
                    cancellation.Cancel();
                }

                yield return inner[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
