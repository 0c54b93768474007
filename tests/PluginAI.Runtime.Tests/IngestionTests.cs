using System.Diagnostics;
using System.Text;
using PluginAI.Runtime.Ingestion;
using PluginAI.Runtime.Knowledge;
using PluginAI.Retrieval;

namespace PluginAI.Runtime.Tests;

public sealed class IngestionTests
{
    [Fact]
    public async Task Ingest_SkipsUnchanged_ReindexesChanged_AndDropsDeleted()
    {
        await using var kb = await KnowledgeHost.StartAsync();
        var docs = kb.Folder("docs");
        await File.WriteAllTextAsync(Path.Combine(docs, "a.md"), "# Alpha\n\nThe alpha document talks about mountains and glaciers.\n");
        await File.WriteAllTextAsync(Path.Combine(docs, "b.txt"), "The beta document talks about rivers and deltas.\n");
        await File.WriteAllTextAsync(Path.Combine(docs, "c.md"), "# Gamma\n\nThe gamma document talks about deserts.\n");

        var first = await kb.IngestAsync(new IngestionOptions { Folder = docs });
        Assert.Equal((3, 0, 0, 0), (first.Added, first.Updated, first.Unchanged, first.Removed));
        Assert.Empty(first.Skipped);

        await File.WriteAllTextAsync(Path.Combine(docs, "b.txt"), "The beta document now talks about volcanoes.\n");
        File.Delete(Path.Combine(docs, "c.md"));
        var second = await kb.IngestAsync(new IngestionOptions { Folder = docs });
        Assert.Equal((0, 1, 1, 1), (second.Added, second.Updated, second.Unchanged, second.Removed));

        await using var session = await kb.OpenAsync();
        var stored = new List<KnowledgeDocumentInfo>();
        await foreach (var document in session.Store.ListDocumentsAsync())
        {
            stored.Add(document);
        }

        Assert.Equal([Path.Combine(docs, "a.md"), Path.Combine(docs, "b.txt")], stored.Select(d => d.SourcePath));
        var hits = await KnowledgeHost.SearchAsync(session, "volcanoes", top: 1, SearchMode.Keyword);
        Assert.Equal(Path.Combine(docs, "b.txt"), Assert.Single(hits).SourcePath);
        Assert.Empty(await KnowledgeHost.SearchAsync(session, "rivers deltas", top: 3, SearchMode.Keyword));
    }

    [Fact]
    public async Task Ingest_BadFiles_AreSkippedWithReasons_AndTheRestIsStored()
    {
        await using var kb = await KnowledgeHost.StartAsync();
        var docs = kb.Folder("docs");
        await File.WriteAllTextAsync(Path.Combine(docs, "good.md"), "# Good\n\nA perfectly ordinary document about sailing boats.\n");
        await File.WriteAllBytesAsync(Path.Combine(docs, "latin1.txt"), Encoding.Latin1.GetBytes("Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e is a French dessert with a caramel top.\n"));
        await File.WriteAllTextAsync(Path.Combine(docs, "broken.pdf"), "%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref\n");
        var binary = new byte[4096];
        new Random(1).NextBytes(binary);
        binary[10] = 0;
        await File.WriteAllBytesAsync(Path.Combine(docs, "binary.txt"), binary);
        await File.WriteAllBytesAsync(Path.Combine(docs, "empty.txt"), []);
        await using (var huge = File.Create(Path.Combine(docs, "huge.txt")))
        {
            huge.SetLength(200L * 1024 * 1024);
        }

        var loop = Path.Combine(docs, "loop");
        Directory.CreateDirectory(loop);
        Directory.CreateSymbolicLink(Path.Combine(loop, "back"), docs);

        var report = await kb.IngestAsync(new IngestionOptions { Folder = docs });

        Assert.Equal(2, report.Added);
        var reasons = report.Skipped.ToDictionary(s => Path.GetRelativePath(docs, s.Path), s => s.Reason);
        Assert.Contains("corrupt", reasons["broken.pdf"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("binary", reasons["binary.txt"], StringComparison.Ordinal);
        Assert.Equal("the file is empty", reasons["empty.txt"]);
        Assert.Contains("larger than the 64 MiB limit", reasons["huge.txt"], StringComparison.Ordinal);
        Assert.Contains("symbolic link loop", reasons[Path.Combine("loop", "back")], StringComparison.Ordinal);

        await using var session = await kb.OpenAsync();
        var dessert = await KnowledgeHost.SearchAsync(session, "crème brûlée", top: 1, SearchMode.Keyword);
        Assert.Contains("Café crème brûlée", Assert.Single(dessert).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_FolderThatDoesNotExist_IsOneClearError()
    {
        await using var kb = await KnowledgeHost.StartAsync();
        var missing = Path.Combine(kb.Root, "nowhere");
        var ex = await Assert.ThrowsAsync<PluginException>(() => kb.IngestAsync(new IngestionOptions { Folder = missing }));
        Assert.Equal($"{missing}: the folder does not exist.", ex.Message);
    }

    [Fact]
    public async Task Ingest_IncludeExcludeAndIgnoreFile_AreHonoured()
    {
        await using var kb = await KnowledgeHost.StartAsync();
        var docs = kb.Folder("docs");
        Directory.CreateDirectory(Path.Combine(docs, "drafts"));
        Directory.CreateDirectory(Path.Combine(docs, "notes"));
        await File.WriteAllTextAsync(Path.Combine(docs, "keep.md"), "# Keep\n\nKept document about owls.\n");
        await File.WriteAllTextAsync(Path.Combine(docs, "drafts", "draft.md"), "# Draft\n\nA draft about owls.\n");
        await File.WriteAllTextAsync(Path.Combine(docs, "notes", "note.md"), "# Note\n\nA note about owls.\n");
        await File.WriteAllTextAsync(Path.Combine(docs, "notes", "scratch.txt"), "Scratch text about owls.\n");
        await File.WriteAllTextAsync(Path.Combine(docs, "notes", ".pluginaiignore"), "# scratch files stay private\nscratch*\n");

        var options = new IngestionOptions { Folder = docs };
        options.Include.Add("**/*.md");
        options.Include.Add("**/*.txt");
        options.Exclude.Add("drafts/");
        var report = await kb.IngestAsync(options);

        Assert.Equal(2, report.Files);
        await using var session = await kb.OpenAsync();
        var paths = new List<string>();
        await foreach (var document in session.Store.ListDocumentsAsync())
        {
            paths.Add(Path.GetRelativePath(docs, document.SourcePath));
        }

        Assert.Equal(["keep.md", Path.Combine("notes", "note.md")], paths);
    }

    [Fact]
    public async Task Ingest_ProcessKilledMidway_ResumesWithoutLossOrDuplicates()
    {
        var root = Path.Combine(Path.GetTempPath(), "pluginai-kb", Guid.NewGuid().ToString("N"));
        var docs = Path.Combine(root, "docs");
        Directory.CreateDirectory(docs);
        for (var i = 0; i < 120; i++)
        {
            var text = new StringBuilder($"# Report {i}\n\n");
            for (var p = 0; p < 6; p++)
            {
                text.Append($"Paragraph {p} of report {i} records the measurements of station {i * 7 % 13} on day {p}, with notes on wind, rain and temperature.\n\n");
            }

            await File.WriteAllTextAsync(Path.Combine(docs, $"report-{i:000}.md"), text.ToString());
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { KnowledgeHost.Metadata("PluginAICli"), "ingest", docs, "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PLUGINAI_HOME"] = Path.Combine(root, "home");
        var killed = false;
        using (var process = Process.Start(start)!)
        {
            // Killed after ten documents are reported stored (the --json progress events on standard error).
            var stored = 0;
            var enough = new TaskCompletionSource();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data?.Contains("\"event\":\"stored\"", StringComparison.Ordinal) == true && Interlocked.Increment(ref stored) >= 10)
                {
                    enough.TrySetResult();
                }
            };
            process.BeginErrorReadLine();
            await Task.WhenAny(enough.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(120)));
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                killed = true;
            }

            await process.WaitForExitAsync();
        }

        await using var kb = await KnowledgeHost.StartAsync(root);
        var resumed = await kb.IngestAsync(new IngestionOptions { Folder = docs });
        Assert.True(killed, "the ingestion finished before it could be killed");
        Assert.Empty(resumed.Skipped);
        Assert.True(resumed.Unchanged > 0, "nothing stored before the kill survived it");
        Assert.True(resumed.Added > 0, "the killed run had already stored everything");
        Assert.Equal(120, resumed.Added + resumed.Updated + resumed.Unchanged);

        await using var session = await kb.OpenAsync();
        var documents = new List<KnowledgeDocumentInfo>();
        await foreach (var document in session.Store.ListDocumentsAsync())
        {
            documents.Add(document);
        }

        Assert.Equal(120, documents.Count);
        Assert.Equal(120, documents.Select(d => d.SourcePath).Distinct().Count());
        var statistics = await session.Store.GetStatisticsAsync();
        Assert.Equal(documents.Sum(d => (long)d.ChunkCount), statistics.Chunks);

        var again = await kb.IngestAsync(new IngestionOptions { Folder = docs });
        Assert.Equal(120, again.Unchanged);
    }
}
