using System.Net;
using System.Text;
using System.Text.Json;

namespace PluginAI.Server.Tests;

/// <summary>The <c>/v1/pluginai</c> routes the web page's Models, Plugins and This machine screens read.</summary>
public sealed class AdminApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Doctor_And_Plugins_DescribeThisMachineAndTheLoadedPlugins()
    {
        using var doctor = JsonDocument.Parse(await Client.GetStringAsync("v1/pluginai/doctor"));
        Assert.Equal(Environment.ProcessorCount, doctor.RootElement.GetProperty("hardware").GetProperty("cpu").GetProperty("logicalCores").GetInt32());

        using var plugins = JsonDocument.Parse(await Client.GetStringAsync("v1/pluginai/plugins"));
        var llama = plugins.RootElement.GetProperty("data").EnumerateArray().Single(p => p.GetProperty("id").GetString() == "PluginAI.Backends.Llama");
        Assert.Equal("loaded", llama.GetProperty("status").GetString());
        Assert.Contains("backend", llama.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task Models_ListsThePlanWithReasons_AndRefusesBadRequestsWithTheField()
    {
        using var models = JsonDocument.Parse(await Client.GetStringAsync("v1/pluginai/models"));
        var stories = models.RootElement.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("name").GetString() == ServerHost.Model);
        Assert.NotEmpty(stories.GetProperty("plan").GetProperty("reasons").EnumerateObject());

        using (var form = await Client.PostAsync("v1/pluginai/models", new StringContent("name=x&path=/etc/passwd", Encoding.UTF8, "application/x-www-form-urlencoded")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        }

        using (var missing = await Client.PostAsync("v1/pluginai/models", new StringContent("""{"name":"x"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.Contains("path", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var notGguf = Path.Combine(fixture.Host.Root, "notes.gguf");
        await File.WriteAllTextAsync(notGguf, "not a model");
        using (var bad = await Client.PostAsync("v1/pluginai/models", new StringContent(JsonSerializer.Serialize(new { name = "notes", path = notGguf }), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("notes.gguf", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var after = JsonDocument.Parse(await Client.GetStringAsync("v1/pluginai/models")))
        {
            Assert.DoesNotContain(after.RootElement.GetProperty("data").EnumerateArray(), m => m.GetProperty("name").GetString() == "notes");
        }

        using var unknown = await Client.DeleteAsync("v1/pluginai/loaded-models/no-such-model");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
