using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PluginAI.Registry.Server.Tests;

public sealed class FeedTests
{
    private static int Hits(JsonDocument search) => search.RootElement.GetProperty("totalHits").GetInt32();

    private static string[] Ids(JsonDocument search) =>
        [.. search.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];

    [Fact]
    public async Task Service_index_lists_the_NuGet_resources_and_the_PluginAI_resource()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var index = await registry.GetJsonAsync("v3/index.json");
        var resources = index.RootElement.GetProperty("resources").EnumerateArray()
            .ToDictionary(r => r.GetProperty("@type").GetString()!, r => r.GetProperty("@id").GetString()!);
        var root = registry.Server.BaseAddress.ToString();
        Assert.Equal(root + "api/v2/package", resources["PackagePublish/2.0.0"]);
        Assert.Equal(root + "v3-flatcontainer/", resources["PackageBaseAddress/3.0.0"]);
        foreach (var type in new[] { "RegistrationsBaseUrl", "RegistrationsBaseUrl/3.0.0-rc", "RegistrationsBaseUrl/3.0.0-beta", "RegistrationsBaseUrl/3.6.0" })
        {
            Assert.Equal(root + "v3/registration/", resources[type]);
        }

        foreach (var type in new[] { "SearchQueryService", "SearchQueryService/3.0.0-rc", "SearchQueryService/3.0.0-beta", "SearchQueryService/3.5.0" })
        {
            Assert.Equal(root + "v3/search", resources[type]);
        }

        Assert.Equal(root + "pluginai/v1/", resources["PluginAI/1.0.0"]);
        Assert.Equal(new Uri(root + "v3/index.json"), registry.Server.ServiceIndexUri);
    }

    [Fact]
    public async Task Bad_pushes_are_refused_with_the_reason_and_nothing_is_stored()
    {
        await using var registry = await TestRegistry.StartAsync();
        await registry.PushOkAsync(TestPackages.Build("Acme.Good", "1.0.0"));

        async Task Refused(byte[] package, HttpStatusCode status, string expected)
        {
            using var response = await registry.PushAsync(package);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(expected, body, StringComparison.Ordinal);
            Assert.Contains(expected, response.ReasonPhrase, StringComparison.Ordinal);
        }

        await Refused(TestPackages.Build("Acme.NoManifest", "1.0.0", manifest: null), HttpStatusCode.BadRequest, "no pluginai.json");
        await Refused(TestPackages.Build("Acme.BadKind", "1.0.0", TestPackages.Manifest("Acme.BadKind", "1.0.0", kinds: "\"wizard\"")), HttpStatusCode.BadRequest, "field 'kinds[0]': unknown kind 'wizard'");
        await Refused(TestPackages.Build("Acme.NoEntry", "1.0.0", """{ "id": "Acme.NoEntry", "version": "1.0.0", "kinds": ["backend"], "hostApi": "1.0" }"""), HttpStatusCode.BadRequest, "field 'entry'");
        await Refused(TestPackages.Build("Acme.Mismatch", "1.0.0", TestPackages.Manifest("Acme.Other", "1.0.0")), HttpStatusCode.BadRequest, "field 'id'");
        await Refused(TestPackages.Build("Acme.Version", "1.0.0", TestPackages.Manifest("Acme.Version", "2.0.0")), HttpStatusCode.BadRequest, "field 'version'");
        await Refused(Encoding.UTF8.GetBytes("this is not a zip file at all"), HttpStatusCode.BadRequest, "not a zip archive");
        await Refused(TestPackages.Build("Acme.Good", "1.0.0"), HttpStatusCode.Conflict, "already exists");
        await Refused(TestPackages.Build("ACME.GOOD", "1.0", TestPackages.Manifest("ACME.GOOD", "1.0.0")), HttpStatusCode.Conflict, "already exists");

        var folders = Directory.GetDirectories(registry.Options.PackagesDirectory).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).ToList();
        Assert.Equal(["acme.good"], folders);
        Assert.Empty(Directory.GetFiles(Path.Combine(registry.Options.PackagesDirectory, ".tmp")));
        using var search = await registry.GetJsonAsync("v3/search?q=acme");
        Assert.Equal(["Acme.Good"], Ids(search));
        using var missing = await registry.Client.GetAsync("v3-flatcontainer/acme.mismatch/index.json");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Push_and_unlist_need_a_valid_key()
    {
        await using var registry = await TestRegistry.StartAsync();
        var package = TestPackages.Build("Acme.Keyed", "1.0.0");
        using (var none = await registry.PushAsync(package, key: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        }

        using (var wrong = await registry.PushAsync(package, key: "not-the-key"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        }

        Assert.Equal(0, Hits(await registry.GetJsonAsync("v3/search")));
        await registry.PushOkAsync(package);
        using (var unlist = await registry.SendAsync(HttpMethod.Delete, "api/v2/package/Acme.Keyed/1.0.0", key: "not-the-key"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, unlist.StatusCode);
        }

        Assert.Equal(1, Hits(await registry.GetJsonAsync("v3/search")));
    }

    [Fact]
    public async Task Unlisting_hides_a_version_from_search_but_keeps_it_downloadable()
    {
        await using var registry = await TestRegistry.StartAsync();
        await registry.PushOkAsync(TestPackages.Build("Acme.Hidden", "1.0.0"));
        await registry.PushOkAsync(TestPackages.Build("Acme.Hidden", "1.1.0"));
        using (var before = await registry.GetJsonAsync("v3/search?q=hidden"))
        {
            Assert.Equal("1.1.0", before.RootElement.GetProperty("data")[0].GetProperty("version").GetString());
        }

        using (var response = await registry.SendAsync(HttpMethod.Delete, "api/v2/package/Acme.Hidden/1.1.0"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var after = await registry.GetJsonAsync("v3/search?q=hidden"))
        {
            var data = after.RootElement.GetProperty("data")[0];
            Assert.Equal("1.0.0", data.GetProperty("version").GetString());
            Assert.Single(data.GetProperty("versions").EnumerateArray());
        }

        using (var response = await registry.SendAsync(HttpMethod.Delete, "api/v2/package/Acme.Hidden/1.0.0"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, Hits(await registry.GetJsonAsync("v3/search?q=hidden")));
        using var flat = await registry.GetJsonAsync("v3-flatcontainer/acme.hidden/index.json");
        Assert.Equal(["1.0.0", "1.1.0"], flat.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetString()!).ToArray());
        using var registration = await registry.GetJsonAsync("v3/registration/acme.hidden/index.json");
        var listed = registration.RootElement.GetProperty("items")[0].GetProperty("items").EnumerateArray()
            .Select(l => l.GetProperty("catalogEntry").GetProperty("listed").GetBoolean()).ToArray();
        Assert.Equal([false, false], listed);
        using var missing = await registry.SendAsync(HttpMethod.Delete, "api/v2/package/Acme.Hidden/9.0.0");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Search_filters_by_kind_and_certification_and_reports_the_plugin_summary()
    {
        await using var registry = await TestRegistry.StartAsync();
        await registry.PushOkAsync(TestPackages.Build("Acme.Llama", "2.0.0", TestPackages.Manifest("Acme.Llama", "2.0.0", extra: """
            ,
              "requirements": { "rids": ["linux-x64"], "instructionSets": ["avx2"], "minRamMb": 4096 },
              "variants": [ { "name": "cuda12", "path": "cuda12", "requirements": { "accelerators": [ { "type": "gpu", "api": "cuda" } ] } } ],
              "licensing": { "model": "paid", "productCode": "ACME-LLAMA" }
            """)));
        await registry.PushOkAsync(TestPackages.Build("Acme.Finder", "1.0.0", TestPackages.Manifest("Acme.Finder", "1.0.0", kinds: "\"retriever\", \"preprocessor\"")));
        await registry.PushOkAsync(TestPackages.Build("Other.Redactor", "1.0.0-beta.1", TestPackages.Manifest("Other.Redactor", "1.0.0-beta.1", kinds: "\"postprocessor\"")));

        using (var all = await registry.GetJsonAsync("v3/search?q=&prerelease=true&semVerLevel=2.0.0"))
        {
            Assert.Equal(["Acme.Finder", "Acme.Llama", "Other.Redactor"], Ids(all));
        }

        Assert.Equal(["Acme.Finder", "Acme.Llama"], Ids(await registry.GetJsonAsync("v3/search?prerelease=true")));
        Assert.Equal(["Acme.Finder", "Acme.Llama"], Ids(await registry.GetJsonAsync("v3/search?q=acme&prerelease=true&semVerLevel=2.0.0")));
        Assert.Equal(["Acme.Llama"], Ids(await registry.GetJsonAsync("v3/search?q=llam")));
        Assert.Equal(["Acme.Finder"], Ids(await registry.GetJsonAsync("v3/search?kind=retriever")));
        Assert.Equal(["Acme.Finder"], Ids(await registry.GetJsonAsync("v3/search?kind=preprocessor")));
        Assert.Equal(["Other.Redactor"], Ids(await registry.GetJsonAsync("v3/search?kind=postprocessor&prerelease=true&semVerLevel=2.0.0")));
        Assert.Equal(["Acme.Llama"], Ids(await registry.GetJsonAsync("v3/search?q=packageid:acme.llama")));
        using (var badKind = await registry.Client.GetAsync("v3/search?kind=wizard"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        }

        using (var llama = await registry.GetJsonAsync("v3/search?kind=backend"))
        {
            var plugin = llama.RootElement.GetProperty("data")[0].GetProperty("pluginai");
            Assert.Equal(["backend"], plugin.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()!).ToArray());
            Assert.Equal("[2.0,3.0)", plugin.GetProperty("hostApi").GetString());
            Assert.Equal(4096, plugin.GetProperty("requirements").GetProperty("minRamMb").GetInt32());
            Assert.Equal(["cuda12"], plugin.GetProperty("variants").EnumerateArray().Select(k => k.GetString()!).ToArray());
            Assert.Equal("paid", plugin.GetProperty("licensing").GetString());
            Assert.False(plugin.GetProperty("certified").GetBoolean());
        }

        Assert.Equal(0, Hits(await registry.GetJsonAsync("v3/search?certified=true")));
        var envelope = """{"format":"pluginai-envelope/1","payloadType":"application/vnd.pluginai.certification+json","payload":"e30=","keyId":"0123456789abcdef","signature":"AAAA"}""";
        using (var noKey = await registry.SendAsync(HttpMethod.Post, "pluginai/v1/certifications/Acme.Finder", key: null, new StringContent(envelope)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        }

        using (var wrongFormat = await registry.SendAsync(HttpMethod.Post, "pluginai/v1/certifications/Acme.Finder", content: new StringContent("""{"format":"something-else"}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrongFormat.StatusCode);
            Assert.Contains("pluginai-envelope/1", await wrongFormat.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var notJson = await registry.SendAsync(HttpMethod.Post, "pluginai/v1/certifications/Acme.Finder", content: new StringContent("{ nope")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        }

        using (var added = await registry.SendAsync(HttpMethod.Post, "pluginai/v1/certifications/Acme.Finder", content: new StringContent(envelope)))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        Assert.Equal(["Acme.Finder"], Ids(await registry.GetJsonAsync("v3/search?certified=true")));
        using (var list = await registry.GetJsonAsync("pluginai/v1/certifications/acme.finder"))
        {
            var stored = Assert.Single(list.RootElement.GetProperty("certifications").EnumerateArray());
            Assert.Equal(envelope, stored.GetRawText());
        }

        using (var plugins = await registry.GetJsonAsync("pluginai/v1/search?kind=retriever"))
        {
            var summary = Assert.Single(plugins.RootElement.GetProperty("data").EnumerateArray());
            Assert.Equal("Acme.Finder", summary.GetProperty("id").GetString());
            Assert.True(summary.GetProperty("certified").GetBoolean());
            Assert.Equal("Acme.Finder plugin", summary.GetProperty("displayName").GetString());
        }
    }

    [Fact]
    public async Task Manifest_and_signature_endpoints_return_the_exact_bytes_from_the_package()
    {
        await using var registry = await TestRegistry.StartAsync();
        var manifest = TestPackages.Manifest("Acme.Signed", "1.0.0") + "\n\n";
        var signature = Encoding.UTF8.GetBytes("""{"format":"pluginai-envelope/1","payloadType":"application/vnd.pluginai.manifest+json"}""");
        await registry.PushOkAsync(TestPackages.Build("Acme.Signed", "1.0.0", manifest, signature));
        await registry.PushOkAsync(TestPackages.Build("Acme.Unsigned", "1.0.0"));

        Assert.Equal(Encoding.UTF8.GetBytes(manifest), await registry.Client.GetByteArrayAsync("pluginai/v1/packages/Acme.Signed/1.0.0/manifest"));
        Assert.Equal(signature, await registry.Client.GetByteArrayAsync("pluginai/v1/packages/acme.signed/1.0.0/signature"));
        using var unsigned = await registry.Client.GetAsync("pluginai/v1/packages/acme.unsigned/1.0.0/signature");
        Assert.Equal(HttpStatusCode.NotFound, unsigned.StatusCode);
        using var absent = await registry.Client.GetAsync("pluginai/v1/packages/acme.absent/1.0.0/manifest");
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
    }

    [Fact]
    public async Task Contributors_ledger_is_recorded_from_the_manifest()
    {
        await using var registry = await TestRegistry.StartAsync();
        var contributors = """
            ,
              "contributors": {
                "since": "2026-01-01T00:00:00Z", "until": "2026-06-30T00:00:00Z",
                "weights": { "code": 0.5, "issues": 0.3, "docs": 0.2 },
                "entries": [
                  { "id": "ada@example.org", "name": "Ada", "codeCommits": 10, "docCommits": 2, "issues": 4, "linesAdded": 900, "linesRemoved": 100, "share": 0.75 },
                  { "id": "bob", "name": "Bob", "codeCommits": 2, "docCommits": 1, "issues": 0, "linesAdded": 50, "linesRemoved": 5, "share": 0.25 }
                ]
              }
            """;
        await registry.PushOkAsync(TestPackages.Build("Acme.Team", "1.0.0", TestPackages.Manifest("Acme.Team", "1.0.0", extra: contributors)));
        await registry.PushOkAsync(TestPackages.Build("Acme.Team", "1.1.0"));

        using var ledger = await registry.GetJsonAsync("pluginai/v1/contributors/Acme.Team/1.0.0");
        var entries = ledger.RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        var ada = entries[0];
        Assert.Equal("ada@example.org", ada.GetProperty("contributor").GetString());
        Assert.Equal("Ada", ada.GetProperty("name").GetString());
        Assert.Equal("ada@example.org", ada.GetProperty("email").GetString());
        Assert.Equal(10, ada.GetProperty("codeCommits").GetInt32());
        Assert.Equal(2, ada.GetProperty("docCommits").GetInt32());
        Assert.Equal(4, ada.GetProperty("issues").GetInt32());
        Assert.Equal(900, ada.GetProperty("linesAdded").GetInt64());
        Assert.Equal((10 * 0.5) + (4 * 0.3) + (2 * 0.2), ada.GetProperty("rawScore").GetDouble(), 9);
        Assert.Equal(0.75, ada.GetProperty("share").GetDouble());
        Assert.Equal(0.3, ada.GetProperty("weights").GetProperty("issues").GetDouble());
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), ada.GetProperty("since").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, entries[1].GetProperty("email").ValueKind);
        Assert.Equal("bob", entries[1].GetProperty("contributor").GetString());

        using var all = await registry.GetJsonAsync("pluginai/v1/contributors/acme.team");
        Assert.Equal(2, all.RootElement.GetProperty("entries").GetArrayLength());
        using var none = await registry.GetJsonAsync("pluginai/v1/contributors/acme.team/1.1.0");
        Assert.Equal(0, none.RootElement.GetProperty("entries").GetArrayLength());
        using var missing = await registry.Client.GetAsync("pluginai/v1/contributors/acme.team/3.0.0");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Signed_index_returns_what_SignIndex_produced_and_its_version_increases()
    {
        var payloads = new List<byte[]>();
        var now = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        await using var registry = await TestRegistry.StartAsync(o =>
        {
            o.RegistryName = "acme-registry";
            o.IndexLifetime = TimeSpan.FromDays(3);
            o.TimeProvider = new FixedTime(now);
            o.SignIndex = payload =>
            {
                payloads.Add(payload.ToArray());
                return Encoding.UTF8.GetBytes($$"""{"format":"pluginai-envelope/1","payloadType":"application/vnd.pluginai.index+json","payload":"{{Convert.ToBase64String(payload.Span)}}","keyId":"k","signature":"s"}""");
            };
        });

        async Task<JsonElement> IndexAsync()
        {
            var bytes = await registry.Client.GetByteArrayAsync("pluginai/v1/index.json");
            var expected = Encoding.UTF8.GetBytes($$"""{"format":"pluginai-envelope/1","payloadType":"application/vnd.pluginai.index+json","payload":"{{Convert.ToBase64String(payloads[^1])}}","keyId":"k","signature":"s"}""");
            Assert.Equal(expected, bytes);
            return JsonDocument.Parse(payloads[^1]).RootElement;
        }

        var first = await IndexAsync();
        Assert.Equal("pluginai-index/1", first.GetProperty("format").GetString());
        Assert.Equal("acme-registry", first.GetProperty("registry").GetString());
        Assert.Equal(now, first.GetProperty("issued").GetDateTimeOffset());
        Assert.Equal(now.AddDays(3), first.GetProperty("expires").GetDateTimeOffset());
        Assert.Equal(0, first.GetProperty("packages").GetArrayLength());
        var again = await IndexAsync();
        Assert.Single(payloads);
        Assert.Equal(first.GetProperty("version").GetInt64(), again.GetProperty("version").GetInt64());

        var package = TestPackages.Build("Acme.Indexed", "1.0.0");
        await registry.PushOkAsync(package);
        var second = await IndexAsync();
        Assert.True(second.GetProperty("version").GetInt64() > first.GetProperty("version").GetInt64());
        var entry = Assert.Single(second.GetProperty("packages").EnumerateArray());
        Assert.Equal("Acme.Indexed", entry.GetProperty("id").GetString());
        Assert.Equal("1.0.0", entry.GetProperty("version").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(package)), entry.GetProperty("sha256").GetString());
        Assert.True(entry.GetProperty("listed").GetBoolean());

        using (var unlist = await registry.SendAsync(HttpMethod.Delete, "api/v2/package/Acme.Indexed/1.0.0"))
        {
            Assert.Equal(HttpStatusCode.OK, unlist.StatusCode);
        }

        var third = await IndexAsync();
        Assert.True(third.GetProperty("version").GetInt64() > second.GetProperty("version").GetInt64());
        Assert.False(third.GetProperty("packages")[0].GetProperty("listed").GetBoolean());

        await registry.RestartAsync();
        var afterRestart = await IndexAsync();
        Assert.True(afterRestart.GetProperty("version").GetInt64() > third.GetProperty("version").GetInt64());
        Assert.Equal(4, payloads.Count);
    }

    [Fact]
    public async Task Signed_index_is_404_when_the_registry_has_no_signing_key()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.GetAsync("pluginai/v1/index.json");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("signing key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_keeps_everything_and_a_deleted_database_is_rebuilt_from_the_folder()
    {
        await using var registry = await TestRegistry.StartAsync();
        var contributors = """, "contributors": { "entries": [ { "id": "ada@example.org", "codeCommits": 3 } ] }""";
        await registry.PushOkAsync(TestPackages.Build("Acme.Kept", "1.0.0", TestPackages.Manifest("Acme.Kept", "1.0.0", extra: contributors)));
        await registry.PushOkAsync(TestPackages.Build("Acme.Kept", "2.0.0"));
        await registry.PushOkAsync(TestPackages.Build("Acme.Gone", "1.0.0"));
        var envelope = """{"format":"pluginai-envelope/1","payloadType":"application/vnd.pluginai.certification+json","payload":"e30=","keyId":"0123456789abcdef","signature":"AAAA"}""";
        using (var certified = await registry.SendAsync(HttpMethod.Post, "pluginai/v1/certifications/Acme.Kept", content: new StringContent(envelope)))
        {
            Assert.Equal(HttpStatusCode.Created, certified.StatusCode);
        }

        using (var unlist = await registry.SendAsync(HttpMethod.Delete, "api/v2/package/Acme.Kept/2.0.0"))
        {
            Assert.Equal(HttpStatusCode.OK, unlist.StatusCode);
        }

        await registry.RestartAsync();
        Assert.Equal(["Acme.Gone", "Acme.Kept"], Ids(await registry.GetJsonAsync("v3/search")));
        using (var kept = await registry.GetJsonAsync("v3/search?q=kept"))
        {
            Assert.Equal("1.0.0", kept.RootElement.GetProperty("data")[0].GetProperty("version").GetString());
        }

        var database = Path.Combine(registry.Options.PackagesDirectory, "registry.db");
        await registry.RestartAsync(() =>
        {
            foreach (var file in new[] { database, database + "-wal", database + "-shm" })
            {
                File.Delete(file);
            }

            Directory.Delete(Path.Combine(registry.Options.PackagesDirectory, "acme.gone"), recursive: true);
        });

        Assert.True(File.Exists(database));
        Assert.Equal(["Acme.Kept"], Ids(await registry.GetJsonAsync("v3/search")));
        using (var flat = await registry.GetJsonAsync("v3-flatcontainer/acme.kept/index.json"))
        {
            Assert.Equal(["1.0.0", "2.0.0"], flat.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetString()!).ToArray());
        }

        using (var kept = await registry.GetJsonAsync("v3/search?q=kept"))
        {
            Assert.Equal("1.0.0", kept.RootElement.GetProperty("data")[0].GetProperty("version").GetString());
        }

        using (var certifications = await registry.GetJsonAsync("pluginai/v1/certifications/acme.kept"))
        {
            Assert.Equal(envelope, Assert.Single(certifications.RootElement.GetProperty("certifications").EnumerateArray()).GetRawText());
        }

        using (var ledger = await registry.GetJsonAsync("pluginai/v1/contributors/acme.kept/1.0.0"))
        {
            Assert.Equal("ada@example.org", ledger.RootElement.GetProperty("entries")[0].GetProperty("contributor").GetString());
        }

        using var gone = await registry.Client.GetAsync("v3-flatcontainer/acme.gone/index.json");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        await registry.RestartAsync(() => File.Delete(Path.Combine(registry.Options.PackagesDirectory, "acme.kept", "1.0.0", "acme.kept.1.0.0.nupkg")));
        using var dropped = await registry.GetJsonAsync("v3-flatcontainer/acme.kept/index.json");
        Assert.Equal(["2.0.0"], dropped.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetString()!).ToArray());
    }

    [Fact]
    public async Task Listening_beyond_loopback_without_a_key_is_refused()
    {
        var folder = Directory.CreateTempSubdirectory("pluginai-registry-").FullName;
        try
        {
            var options = new RegistryServerOptions { PackagesDirectory = folder, Urls = ["http://0.0.0.0:0"] };
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RegistryServer.StartAsync(options));
            Assert.Contains("API key", error.Message, StringComparison.Ordinal);
            Assert.Contains("http://0.0.0.0:0", error.Message, StringComparison.Ordinal);
            Assert.False(RegistryServer.IsLoopback("http://*:5000"));
            Assert.False(RegistryServer.IsLoopback("http://+:5000"));
            Assert.True(RegistryServer.IsLoopback("http://localhost:5000"));
            Assert.True(RegistryServer.IsLoopback("http://[::1]:5000"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Beyond_loopback_reads_need_a_key_in_the_header_or_as_the_basic_password()
    {
        await using var registry = await TestRegistry.StartAsync(o => o.Urls = ["http://0.0.0.0:0"]);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{registry.Server.BaseAddress.Port}/") };
        using (var anonymous = await client.GetAsync("v3/index.json"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "v3/index.json"))
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("anyone:" + TestRegistry.ApiKey)));
            using var basic = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "v3/index.json"))
        {
            request.Headers.Add("X-NuGet-ApiKey", TestRegistry.ApiKey);
            using var header = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "v3/index.json"))
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("anyone:wrong")));
            using var wrong = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
    }

    [Fact]
    public async Task Custom_push_validators_can_refuse_a_package()
    {
        await using var registry = await TestRegistry.StartAsync(o => o.PushValidators = [new RefuseUnsigned()]);
        using var response = await registry.PushAsync(TestPackages.Build("Acme.Plain", "1.0.0"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unsigned packages are not accepted", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await registry.PushOkAsync(TestPackages.Build("Acme.Plain", "1.0.0", signature: [1, 2, 3]));
    }

    private sealed class RefuseUnsigned : IPushValidator
    {
        public ValueTask<PushValidationResult> ValidateAsync(PushedPackage package, CancellationToken cancellationToken)
        {
            Assert.NotNull(package.Manifest);
            Assert.Equal(package.Manifest.Id, package.Id);
            return ValueTask.FromResult(package.HasSignature ? PushValidationResult.Success : PushValidationResult.Refuse("unsigned packages are not accepted here"));
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
