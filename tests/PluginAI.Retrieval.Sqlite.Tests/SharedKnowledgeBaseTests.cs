using Microsoft.Data.Sqlite;
using PluginAI.Processing;

namespace PluginAI.Retrieval.Sqlite.Tests;

/// <summary>
/// Two open knowledge bases on one database file, as an <c>ingest</c> process beside a server has: each has its own
/// connections, cache and claims, exactly as two processes would.
/// </summary>
public sealed class SharedKnowledgeBaseTests : IDisposable
{
    private readonly TempKnowledgeBaseFolder _folder = new();

    [Fact]
    public async Task Claim_IsHeldForOneHolder_UntilItStoresTheDocument()
    {
        await using var first = TestData.Open(_folder.Options());
        await using var second = TestData.Open(_folder.Options());

        Assert.Equal(DocumentClaimStatus.Claimed, (await first.ClaimDocumentAsync("a.md", Hash('1'))).Status);
        Assert.Equal(DocumentClaimStatus.Claimed, (await first.ClaimDocumentAsync("a.md", Hash('1'))).Status);
        var held = await second.ClaimDocumentAsync("a.md", Hash('1'));
        Assert.Equal(DocumentClaimStatus.HeldElsewhere, held.Status);
        Assert.Equal($"process {Environment.ProcessId} on {Environment.MachineName}", held.Holder);

        await first.UpsertDocumentAsync(Document("a.md", Hash('1'), 3, axis: 0));
        Assert.Equal(DocumentClaimStatus.AlreadyStored, (await second.ClaimDocumentAsync("a.md", Hash('1'))).Status);

        // Other content of the same file is new work, free to claim.
        Assert.Equal(DocumentClaimStatus.Claimed, (await second.ClaimDocumentAsync("a.md", Hash('2'))).Status);
        Assert.Equal(DocumentClaimStatus.HeldElsewhere, (await first.ClaimDocumentAsync("a.md", Hash('2'))).Status);
        await second.ReleaseDocumentAsync("a.md");
        Assert.Equal(DocumentClaimStatus.Claimed, (await first.ClaimDocumentAsync("a.md", Hash('2'))).Status);
    }

    [Fact]
    public async Task Claims_OfAClosedBase_OrADeadProcess_AreFree()
    {
        var second = TestData.Open(_folder.Options());
        await using (var first = TestData.Open(_folder.Options()))
        {
            Assert.Equal(DocumentClaimStatus.Claimed, (await first.ClaimDocumentAsync("a.md", Hash('1'))).Status);
            Assert.Equal(DocumentClaimStatus.HeldElsewhere, (await second.ClaimDocumentAsync("a.md", Hash('1'))).Status);
        }

        Assert.Equal(DocumentClaimStatus.Claimed, (await second.ClaimDocumentAsync("a.md", Hash('1'))).Status);
        await second.DisposeAsync();

        // A holder killed before it could release: this process id, but started at another time, is another process.
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_folder.Path, "kb.sqlite")}"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO claims(source_path, content_hash, holder, host, pid, pid_started, expires_at)
                VALUES ('b.md', $hash, 'gone', $host, $pid, 0, $expires)
                """;
            insert.Parameters.AddWithValue("$hash", Hash('1'));
            insert.Parameters.AddWithValue("$host", Environment.MachineName);
            insert.Parameters.AddWithValue("$pid", Environment.ProcessId);
            insert.Parameters.AddWithValue("$expires", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds());
            insert.ExecuteNonQuery();
        }

        await using var third = TestData.Open(_folder.Options());
        Assert.Equal(DocumentClaimStatus.Claimed, (await third.ClaimDocumentAsync("b.md", Hash('1'))).Status);
    }

    [Theory]
    [InlineData(20_000)]
    [InlineData(16)]
    public async Task Search_SeesWhatAnotherInstanceStored_AndAWriterWithAStaleCacheDoesNotMixVersions(int hnswThreshold)
    {
        await using var server = TestData.Open(_folder.Options(), hnswThreshold);
        await using var ingest = TestData.Open(_folder.Options(), hnswThreshold);
        for (var i = 0; i < 6; i++)
        {
            await server.UpsertDocumentAsync(Document($"server{i}.md", Hash('1'), 4, axis: i % 8));
        }

        await server.WaitForVectorIndexAsync();
        Assert.Equal(6, (await Search(server, axis: 2, top: 100)).Select(p => p.SourcePath).Distinct().Count());

        // The other instance stores a document the server has never seen; the server's next search finds it.
        await ingest.UpsertDocumentAsync(Document("ingested.md", Hash('2'), 4, axis: 7, weight: 5f));
        var hits = await Search(server, axis: 7, top: 1);
        Assert.Equal("ingested.md", Assert.Single(hits).SourcePath);

        // The ingest instance's memory is stale (it never loaded); the server's is current again. Both write; both see all.
        await ingest.UpsertDocumentAsync(Document("second.md", Hash('3'), 4, axis: 6, weight: 5f));
        await server.UpsertDocumentAsync(Document("server0.md", Hash('4'), 2, axis: 5, weight: 5f));
        await server.WaitForVectorIndexAsync();
        foreach (var knowledgeBase in new[] { server, ingest })
        {
            var all = await Search(knowledgeBase, axis: 1, top: 1000);
            Assert.Equal(8, all.Select(p => p.SourcePath).Distinct().Count());
            Assert.Equal((5 * 4) + 2 + 4 + 4, all.Count);
            Assert.Equal("second.md", (await Search(knowledgeBase, axis: 6, top: 1))[0].SourcePath);
            Assert.Equal("server0.md", (await Search(knowledgeBase, axis: 5, top: 1))[0].SourcePath);
        }

        var removed = await ingest.RemoveDocumentAsync("ingested.md");
        Assert.True(removed);
        Assert.DoesNotContain(await Search(server, axis: 7, top: 1000), p => p.SourcePath == "ingested.md");
    }

    [Fact]
    public async Task PartialDocument_IsInvisibleUntilComplete_ResumesAfterReopen_AndReplacesTheOldVersionAtOnce()
    {
        var old = Document("big.md", Hash('1'), 3, axis: 4, weight: 5f);
        var big = Document("big.md", Hash('2'), 10, axis: 3, weight: 5f);
        await using (var server = TestData.Open(_folder.Options()))
        {
            await server.UpsertDocumentAsync(old);
            await using (var writer = TestData.Open(_folder.Options()))
            {
                Assert.Equal(DocumentClaimStatus.Claimed, (await writer.ClaimDocumentAsync("big.md", Hash('2'))).Status);
                Assert.Equal(0, await writer.BeginPartialDocumentAsync(big));
                await writer.AppendPartialChunksAsync("big.md", Hash('2'), [.. big.Chunks.Take(4)]);
                await writer.AppendPartialChunksAsync("big.md", Hash('2'), [.. big.Chunks.Skip(4).Take(2)]);

                var outOfOrder = await Assert.ThrowsAsync<PluginException>(() => writer.AppendPartialChunksAsync("big.md", Hash('2'), [big.Chunks[8]]));
                Assert.Equal("knowledge-base.partial-order", outOfOrder.ErrorCode);

                // While parts are kept, searches see the old version only.
                var during = await Search(server, axis: 3, top: 100);
                Assert.Equal(3, during.Count(p => p.SourcePath == "big.md"));
            }

            // A new writer, as after a kill: the same content continues after the six chunks kept.
            await using (var resumed = TestData.Open(_folder.Options()))
            {
                Assert.Equal(6, await resumed.BeginPartialDocumentAsync(big));
                await resumed.AppendPartialChunksAsync("big.md", Hash('2'), [.. big.Chunks.Skip(6)]);
                Assert.Equal(10, await resumed.CompletePartialDocumentAsync("big.md", Hash('2')));
                Assert.Equal(DocumentClaimStatus.AlreadyStored, (await resumed.ClaimDocumentAsync("big.md", Hash('2'))).Status);
            }

            var after = await Search(server, axis: 3, top: 100);
            var chunks = after.Where(p => p.SourcePath == "big.md").ToList();
            Assert.Equal(10, chunks.Count);
            Assert.Equal(Enumerable.Range(0, 10), chunks.Select(p => p.ChunkIndex).Order());
            Assert.All(chunks, p => Assert.StartsWith("big.md v2", p.Text, StringComparison.Ordinal));
            var listed = Assert.Single(await TestData.ListAsync(server));
            Assert.Equal((Hash('2'), 10), (listed.ContentHash, listed.ChunkCount));
        }

        await using (var reopened = TestData.Open(_folder.Options()))
        {
            // Other content of the file starts over; a completed document leaves no parts behind.
            Assert.Equal(0, await reopened.BeginPartialDocumentAsync(Document("big.md", Hash('3'), 2, axis: 1)));
            Assert.Equal(0, await reopened.BeginPartialDocumentAsync(big));
        }
    }

    private static string Hash(char c) => new(c, 64);

    private static DocumentContent Document(string path, string hash, int chunks, int axis, float weight = 1f) => new()
    {
        SourcePath = path,
        MediaType = "text/markdown",
        ContentHash = hash,
        Chunks = [.. Enumerable.Range(0, chunks).Select(i => new DocumentChunk
        {
            Index = i,
            Text = $"{path} v{hash[0]} chunk {i}",
            Embedding = Blend(axis, weight, i),
        })],
    };

    private static float[] Blend(int axis, float weight, int salt)
    {
        var vector = new float[8];
        for (var d = 0; d < 8; d++)
        {
            vector[d] = 0.05f * ((salt + d) % 3);
        }

        vector[axis] += weight;
        return vector;
    }

    private static Task<IReadOnlyList<RetrievedPassage>> Search(IKnowledgeBase knowledgeBase, int axis, int top) =>
        knowledgeBase.SearchAsync(new RetrievalQuery { Text = string.Empty, Embedding = TestData.Axis(8, axis), Top = top, Mode = SearchMode.Vector });

    public void Dispose() => _folder.Dispose();
}
