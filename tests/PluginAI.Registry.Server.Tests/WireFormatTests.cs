using System.Text.Json;

namespace PluginAI.Registry.Server.Tests;

/// <summary>The JSON answers keep the exact shape NuGet clients and earlier PluginAI versions read: names, order, content type.</summary>
public sealed class WireFormatTests
{
    private static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public async Task Service_index_is_sent_byte_for_byte_as_before()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.GetAsync("v3/index.json");
        var root = registry.Server.BaseAddress.ToString();
        var expected =
            "{\"version\":\"3.0.0\",\"resources\":[" +
            $"{{\"@id\":\"{root}api/v2/package\",\"@type\":\"PackagePublish/2.0.0\",\"comment\":\"Push and unlist packages (needs an API key)\"}}," +
            $"{{\"@id\":\"{root}v3-flatcontainer/\",\"@type\":\"PackageBaseAddress/3.0.0\",\"comment\":\"Package versions, .nupkg and .nuspec files\"}}," +
            $"{{\"@id\":\"{root}v3/registration/\",\"@type\":\"RegistrationsBaseUrl\",\"comment\":\"Package metadata\"}}," +
            $"{{\"@id\":\"{root}v3/registration/\",\"@type\":\"RegistrationsBaseUrl/3.0.0-rc\",\"comment\":\"Package metadata\"}}," +
            $"{{\"@id\":\"{root}v3/registration/\",\"@type\":\"RegistrationsBaseUrl/3.0.0-beta\",\"comment\":\"Package metadata\"}}," +
            $"{{\"@id\":\"{root}v3/registration/\",\"@type\":\"RegistrationsBaseUrl/3.6.0\",\"comment\":\"Package metadata, SemVer 2.0.0 packages included\"}}," +
            $"{{\"@id\":\"{root}v3/search\",\"@type\":\"SearchQueryService\",\"comment\":\"Search\"}}," +
            $"{{\"@id\":\"{root}v3/search\",\"@type\":\"SearchQueryService/3.0.0-rc\",\"comment\":\"Search\"}}," +
            $"{{\"@id\":\"{root}v3/search\",\"@type\":\"SearchQueryService/3.0.0-beta\",\"comment\":\"Search\"}}," +
            $"{{\"@id\":\"{root}v3/search\",\"@type\":\"SearchQueryService/3.5.0\",\"comment\":\"Search, with package types\"}}," +
            $"{{\"@id\":\"{root}pluginai/v1/\",\"@type\":\"PluginAI/1.0.0\",\"comment\":\"PluginAI manifests, signatures, signed index, certifications and contributors\"}}" +
            "],\"@context\":{\"@vocab\":\"http://schema.nuget.org/services#\",\"comment\":\"http://www.w3.org/2000/01/rdf-schema#comment\"}}";
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Registration_leaf_and_search_results_keep_their_field_names_and_order()
    {
        await using var registry = await TestRegistry.StartAsync();
        await registry.PushOkAsync(TestPackages.Build("Acme.Wire", "1.0.0"));

        using var leaf = await registry.GetJsonAsync("v3/registration/acme.wire/1.0.0.json");
        Assert.Equal(["@id", "@type", "listed", "published", "commitTimeStamp", "catalogEntry", "packageContent", "registration"], Names(leaf.RootElement));
        Assert.Equal(JsonValueKind.Array, leaf.RootElement.GetProperty("@type").ValueKind);
        Assert.Equal(
            ["@id", "@type", "id", "version", "authors", "description", "summary", "title", "iconUrl", "licenseUrl", "licenseExpression", "projectUrl", "listed", "published", "requireLicenseAcceptance", "packageContent", "tags", "dependencyGroups"],
            Names(leaf.RootElement.GetProperty("catalogEntry")));

        using var index = await registry.GetJsonAsync("v3/registration/acme.wire/index.json");
        var inline = index.RootElement.GetProperty("items")[0].GetProperty("items")[0];
        Assert.Equal(["@id", "@type", "commitTimeStamp", "catalogEntry", "packageContent", "registration"], Names(inline));
        Assert.Equal(JsonValueKind.String, inline.GetProperty("@type").ValueKind);

        using var nuget = await registry.GetJsonAsync("v3/search?q=wire");
        var result = nuget.RootElement.GetProperty("data")[0];
        Assert.Equal(
            ["@id", "@type", "registration", "id", "version", "description", "summary", "title", "licenseUrl", "projectUrl", "tags", "authors", "owners", "totalDownloads", "verified", "packageTypes", "versions", "pluginai"],
            Names(result));
        Assert.Equal(["kinds", "hostApi", "requirements", "variants", "licensing", "certified", "signed", "manifest"], Names(result.GetProperty("pluginai")));

        using var plugins = await registry.GetJsonAsync("pluginai/v1/search?q=wire");
        Assert.Equal(
            ["id", "version", "displayName", "description", "authors", "kinds", "hostApi", "requirements", "variants", "licensing", "certified", "signed", "manifest", "versions"],
            Names(plugins.RootElement.GetProperty("data")[0]));
    }

    [Fact]
    public async Task Write_routes_refuse_a_missing_key_before_looking_at_the_request()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var unlist = await registry.SendAsync(HttpMethod.Delete, "api/v2/package/acme.absent/not-a-version", key: null);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, unlist.StatusCode);
        using var certify = await registry.SendAsync(HttpMethod.Post, "pluginai/v1/certifications/acme.absent", key: "wrong", content: new StringContent("{}"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, certify.StatusCode);
        using var read = await registry.SendAsync(HttpMethod.Get, "pluginai/v1/certifications/acme.absent", key: null);
        Assert.Equal(System.Net.HttpStatusCode.OK, read.StatusCode);
    }
}
