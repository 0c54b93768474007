using System.Net;

namespace PluginAI.Registry.Server.Tests;

/// <summary>
/// A small package whose entries inflate to far more than the registry reads. Runs alone: it measures the process's
/// allocations, which other tests running at the same time would add to.
/// </summary>
[Collection(nameof(PushLimitsTests))]
[CollectionDefinition(nameof(PushLimitsTests), DisableParallelization = true)]
public sealed class PushLimitsTests
{
    [Fact]
    public async Task ManifestThatInflatesTo100MiB_IsRefusedWithoutBeingReadIntoMemory()
    {
        await using var registry = await TestRegistry.StartAsync();
        var bomb = TestPackages.Build("Acme.Bomb", "1.0.0", manifest: "{" + new string(' ', 100 * 1024 * 1024) + "}");
        Assert.InRange(bomb.Length, 1, 2 * 1024 * 1024);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        using var response = await registry.PushAsync(bomb);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        var reason = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("pluginai.json is larger than the 16384 KiB this registry reads", reason, StringComparison.Ordinal);
        Assert.True(allocated < 48L * 1024 * 1024, $"the push allocated {allocated / (1024 * 1024)} MiB");
        using var index = await registry.SendAsync(HttpMethod.Get, "v3/index.json");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
    }
}
