using System.Diagnostics;
using Xunit.Abstractions;

namespace PluginAI.Registry.Server.Tests;

public sealed class SearchScaleTests(ITestOutputHelper output)
{
    [Fact]
    public void Search_over_1200_packages_filters_and_pages_through_the_index()
    {
        var folder = Directory.CreateTempSubdirectory("pluginai-registry-db-").FullName;
        try
        {
            var database = RegistryDatabase.Open(Path.Combine(folder, "registry.db"));
            string[] kinds = ["backend", "preprocessor", "postprocessor", "retriever"];
            var stopwatch = Stopwatch.StartNew();
            var records = new List<(PackageRecord, IReadOnlyList<ContributorRow>)>();
            for (var i = 0; i < 1200; i++)
            {
                records.Add((new PackageRecord
                {
                    Id = $"Vendor{i % 10}.Plugin{i:D4}",
                    Version = "1.0.0",
                    Sha256 = new string('0', 64),
                    Size = 1,
                    Published = DateTimeOffset.UnixEpoch,
                    Description = i % 3 == 0 ? "Summarises meeting notes" : "Finds passages in documents",
                    Kinds = [kinds[i % 4]],
                }, (IReadOnlyList<ContributorRow>)[]));
            }

            Assert.Equal(1200, database.InsertMany(records));
            Assert.Equal(0, database.InsertMany(records.Take(5)));

            output.WriteLine($"indexed 1200 packages in {stopwatch.ElapsedMilliseconds} ms");
            stopwatch.Restart();
            var page = database.Search(new SearchQuery { Text = "meeting", Take = 20 }, out var total);
            Assert.Equal(400, total);
            Assert.Equal(20, page.Count);
            Assert.All(page, g => Assert.Contains("meeting", g[0].Description, StringComparison.Ordinal));

            var retrievers = database.Search(new SearchQuery { Kind = "retriever", Skip = 280, Take = 50 }, out total);
            Assert.Equal(300, total);
            Assert.Equal(20, retrievers.Count);
            Assert.All(retrievers, g => Assert.Equal(["retriever"], g[0].Kinds));

            var vendor = database.Search(new SearchQuery { Text = "vendor3 documents", Take = 1000 }, out total);
            Assert.Equal(80, total);
            Assert.All(vendor, g => Assert.StartsWith("Vendor3.", g[0].Id, StringComparison.Ordinal));
            output.WriteLine($"three searches in {stopwatch.ElapsedMilliseconds} ms");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
