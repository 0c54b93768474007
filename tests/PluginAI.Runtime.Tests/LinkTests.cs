using PluginAI.Retrieval;
using PluginAI.Runtime.Ingestion;

namespace PluginAI.Runtime.Tests;

public sealed class LinkTests
{
    [Fact]
    public async Task LinksLeavingTheFolder_AreSkippedWithTheReason_LinksInsideAreFollowed()
    {
        await using var kb = await KnowledgeHost.StartAsync();
        var outside = kb.Folder("outside");
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "The vault code is 4321 and nobody should find it.\n");
        Directory.CreateDirectory(Path.Combine(outside, "private"));
        await File.WriteAllTextAsync(Path.Combine(outside, "private", "diary.md"), "# Diary\n\nThe diary of a secret gardener.\n");
        var docs = kb.Folder("docs");
        await File.WriteAllTextAsync(Path.Combine(docs, "guide.md"), "# Guide\n\nLighthouses guide ships at night.\n");
        File.CreateSymbolicLink(Path.Combine(docs, "secret.txt"), Path.Combine(outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(docs, "private"), Path.Combine(outside, "private"));
        File.CreateSymbolicLink(Path.Combine(docs, "alias.md"), Path.Combine(docs, "guide.md"));

        var report = await kb.IngestAsync(new IngestionOptions { Folder = docs });

        var reasons = report.Skipped.ToDictionary(s => Path.GetFileName(s.Path), s => s.Reason);
        Assert.Contains("outside the ingested folder", reasons["secret.txt"], StringComparison.Ordinal);
        Assert.Contains(Path.Combine(outside, "secret.txt"), reasons["secret.txt"], StringComparison.Ordinal);
        Assert.Contains("--follow-links", reasons["private"], StringComparison.Ordinal);
        Assert.Equal(2, report.Added);
        await using (var session = await kb.OpenAsync())
        {
            Assert.Empty(await KnowledgeHost.SearchAsync(session, "vault code", top: 3, SearchMode.Keyword));
            Assert.Empty(await KnowledgeHost.SearchAsync(session, "secret gardener", top: 3, SearchMode.Keyword));
        }

        var followed = await kb.IngestAsync(new IngestionOptions { Folder = docs, FollowLinks = true });

        Assert.Equal(2, followed.Added);
        await using var again = await kb.OpenAsync();
        Assert.NotEmpty(await KnowledgeHost.SearchAsync(again, "vault code", top: 3, SearchMode.Keyword));
    }
}
