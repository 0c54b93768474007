using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PluginAI.Retrieval;
using PluginAI.Runtime.Ingestion;
using PluginAI.Runtime.Knowledge;

namespace PluginAI.Runtime.Tests;

/// <summary>The real <c>pluginai ingest</c> process, killed in the middle of a large file, and run twice at once on one knowledge base.</summary>
public sealed class SharedIngestionTests
{
    private static readonly string[] s_words = "station wind rain temperature pressure humidity river valley north south record measure engine pump reactor cooling valve sensor".Split(' ');

    [Fact]
    public async Task Ingest_LargeFileKilledMidway_ContinuesFromTheLastPartKept()
    {
        var root = NewRoot();
        var docs = Path.Combine(root, "docs");
        Directory.CreateDirectory(docs);
        var random = new Random(3);
        var text = new StringBuilder("OPENING-MARKER begins the log.\n\n");
        for (var p = 0; p < 660; p++)
        {
            text.AppendJoin(' ', Enumerable.Range(0, 60).Select(_ => s_words[random.Next(s_words.Length)])).Append(".\n\n");
        }

        text.Append("CLOSING-MARKER ends the log.\n");
        await File.WriteAllTextAsync(Path.Combine(docs, "station.log.txt"), text.ToString());

        // Killed once two parts of the file are kept: the progress events on standard error say when.
        var keptAtKill = 0;
        using (var process = StartIngest(root, docs))
        {
            var events = new BlockingCollection<JsonElement>();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { Length: > 0 } line && line.StartsWith('{'))
                {
                    events.Add(JsonDocument.Parse(line).RootElement.Clone());
                }
            };
            process.BeginErrorReadLine();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            foreach (var e in events.GetConsumingEnumerable(timeout.Token))
            {
                if (e.GetProperty("event").GetString() == "part" && e.GetProperty("chunksDone").GetInt32() >= 128)
                {
                    keptAtKill = e.GetProperty("chunksDone").GetInt32();
                    Assert.True(e.GetProperty("chunksTotal").GetInt32() > keptAtKill, "the whole file was kept before the kill");
                    process.Kill(entireProcessTree: true);
                    break;
                }
            }

            await process.WaitForExitAsync();
        }

        Assert.True(keptAtKill >= 128, "the ingestion reported no kept part before it ended");
        await using var kb = await KnowledgeHost.StartAsync(root);
        await using (var before = await kb.OpenAsync())
        {
            Assert.Empty(await ListAsync(before.Store));
        }

        var parts = new ConcurrentQueue<IngestionProgress>();
        var report = await kb.Services.GetRequiredService<IngestionService>().IngestFolderAsync(
            new IngestionOptions { Folder = docs },
            new SynchronousProgress(p =>
            {
                if (p.Kind == IngestionEventKind.Part)
                {
                    parts.Enqueue(p);
                }
            }));

        Assert.Empty(report.Skipped);
        Assert.Equal((1, 1), (report.Added, report.Resumed));
        var first = parts.First();
        Assert.True(first.DocumentChunksDone >= keptAtKill, $"the run started at chunk {first.DocumentChunksDone}, not after the {keptAtKill} kept");
        var total = first.DocumentChunksTotal!.Value;
        Assert.Equal(total, parts.Last().DocumentChunksDone);
        Assert.Equal(total, report.Chunks);

        await using var session = await kb.OpenAsync();
        var document = Assert.Single(await ListAsync(session.Store));
        Assert.Equal(total, document.ChunkCount);
        Assert.Equal(total, (await session.Store.GetStatisticsAsync()).Chunks);
        foreach (var marker in new[] { "OPENING-MARKER", "CLOSING-MARKER" })
        {
            var hit = (await KnowledgeHost.SearchAsync(session, marker, top: 1, mode: SearchMode.Keyword))[0];
            Assert.Contains(marker, hit.Text, StringComparison.Ordinal);
        }

        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task TwoIngestProcesses_OnOneKnowledgeBase_ProcessEachDocumentOnce()
    {
        const int Documents = 60;
        var root = NewRoot();
        var docs = Path.Combine(root, "docs");
        Directory.CreateDirectory(docs);
        var random = new Random(5);
        for (var i = 0; i < Documents; i++)
        {
            var text = new StringBuilder($"# Station {i} log\n\nLOG-{i:000} records station {i}.\n\n");
            for (var p = 0; p < 8; p++)
            {
                text.AppendJoin(' ', Enumerable.Range(0, 60).Select(_ => s_words[random.Next(s_words.Length)])).Append(".\n\n");
            }

            await File.WriteAllTextAsync(Path.Combine(docs, $"station-{i:000}.md"), text.ToString());
        }

        // The second process starts once the first has stored a document, so that they overlap for most of the folder.
        using var first = StartIngest(root, docs);
        var firstStored = new TaskCompletionSource();
        first.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("\"event\":\"stored\"", StringComparison.Ordinal) == true)
            {
                firstStored.TrySetResult();
            }
        };
        first.BeginErrorReadLine();
        var firstOutput = first.StandardOutput.ReadToEndAsync();
        await firstStored.Task.WaitAsync(TimeSpan.FromSeconds(120));
        using var second = StartIngest(root, docs);
        second.BeginErrorReadLine();
        var secondOutput = second.StandardOutput.ReadToEndAsync();
        await Task.WhenAll(first.WaitForExitAsync(), second.WaitForExitAsync()).WaitAsync(TimeSpan.FromSeconds(240));
        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));

        var reports = new[] { JsonDocument.Parse(await firstOutput).RootElement, JsonDocument.Parse(await secondOutput).RootElement };
        int Count(JsonElement report, string name) => report.TryGetProperty(name, out var value) ? value.GetInt32() : 0;
        foreach (var report in reports)
        {
            Assert.Equal(Documents, Count(report, "added") + Count(report, "unchanged") + Count(report, "storedElsewhere"));
            Assert.Equal(0, report.GetProperty("skipped").GetArrayLength());
        }

        // Every document was parsed, embedded and stored by exactly one of the two, and both did some of the work.
        Assert.Equal(Documents, reports.Sum(r => Count(r, "added")));
        Assert.All(reports, r => Assert.True(Count(r, "added") > 0, $"one process did all the work: {r}"));

        await using var kb = await KnowledgeHost.StartAsync(root);
        await using var session = await kb.OpenAsync();
        var stored = await ListAsync(session.Store);
        Assert.Equal(Documents, stored.Count);
        Assert.Equal(stored.Sum(d => (long)d.ChunkCount), reports.Sum(r => r.GetProperty("chunks").GetInt64()));
        Assert.Equal(stored.Sum(d => (long)d.ChunkCount), (await session.Store.GetStatisticsAsync()).Chunks);
        var hit = (await KnowledgeHost.SearchAsync(session, "LOG-042", top: 1, mode: SearchMode.Keyword))[0];
        Assert.EndsWith("station-042.md", hit.SourcePath, StringComparison.Ordinal);

        Directory.Delete(root, recursive: true);
    }

    private static string NewRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "pluginai-kb", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        return root;
    }

    private static Process StartIngest(string root, string docs)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { KnowledgeHost.Metadata("PluginAICli"), "ingest", docs, "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PLUGINAI_HOME"] = Path.Combine(root, "home");
        return Process.Start(start)!;
    }

    private static async Task<List<KnowledgeDocumentInfo>> ListAsync(IKnowledgeBase store)
    {
        var documents = new List<KnowledgeDocumentInfo>();
        await foreach (var document in store.ListDocumentsAsync())
        {
            documents.Add(document);
        }

        return documents;
    }

    private sealed class SynchronousProgress(Action<IngestionProgress> report) : IProgress<IngestionProgress>
    {
        public void Report(IngestionProgress value) => report(value);
    }
}
