using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using PluginAI.Hardware;
using PluginAI.Manifest;
using PluginAI.Registry.Server;
using PluginAI.Trust;
using PluginAI.Trust.Certification;
using PluginAI.Trust.Index;

namespace PluginAI.Registry.Tests;

/// <summary>
/// The client and installer against a real <see cref="RegistryServer"/> on loopback: an HTTP v3 feed with an API key,
/// a registry signing key for the signed index, and <see cref="ContentPushValidator"/> refusing packages that no
/// trusted publisher signed.
/// </summary>
public sealed class HttpFeedTests : IAsyncLifetime
{
    private const string ApiKey = "feed-key-0123456789";
    private const string SourceName = "registry";
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private readonly RegistryFixture _f = new();
    private readonly SigningKey _registryKey = SigningKey.Create("test-registry");
    private readonly SigningKey _certifierKey = SigningKey.Create("acme-labs");
    private readonly ManualClock _clock = new(Start);
    private readonly ManualClock _serverClock = new(Start);
    private readonly string _server = Directory.CreateTempSubdirectory("pluginai-httpfeed-").FullName;
    private RegistryServerHandle? _handle;
    private HttpClient? _http;

    private RegistryServerHandle Handle => _handle ?? throw new InvalidOperationException("the server is not running");

    private string PackagesDirectory => Path.Combine(_server, "packages");

    public async Task InitializeAsync()
    {
        _f.Policy.Trust(_registryKey, KeyRole.Registry);
        _f.Policy.Trust(_certifierKey, KeyRole.Certifier);
        _f.Policy.Save(Path.Combine(_f.Home, TrustPolicy.FileName));
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        _registryKey.Dispose();
        _certifierKey.Dispose();
        _f.Dispose();
        try
        {
            Directory.Delete(_server, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Search_resolve_and_install_from_the_feed_with_its_signed_index_accepted()
    {
        await StartAsync();
        await PushAsync("Acme.Tagger", "1.0.0");
        await PushAsync("Acme.Tagger", "1.5.0");
        await PushAsync("Acme.Tagger", "2.0.0", hostApi: "[3.0,4.0)");
        await PushAsync("Acme.Llama", "1.0.0", cuda: true, kinds: "\"backend\"");
        var client = Client();
        var cpu = RegistryFixture.CpuOnly();

        var all = await client.SearchAsync(null, null, compatibleOnly: false, certifiedOnly: false, cpu);
        Assert.Empty(all.Warnings);
        Assert.Equal(["Acme.Llama", "Acme.Tagger"], all.Results.Select(r => r.Id));
        Assert.All(all.Results, r => Assert.Equal(SourceName, r.Source));
        var tagger = all.Results[1];
        Assert.Equal("1.5.0", tagger.Version);
        Assert.True(tagger.Compatible);
        var backends = await client.SearchAsync(null, PluginKind.Backend, compatibleOnly: false, certifiedOnly: false, cpu);
        Assert.Equal(["Acme.Llama"], backends.Results.Select(r => r.Id));
        Assert.Equal([PluginKind.Backend], backends.Results[0].Kinds);
        var term = await client.SearchAsync("tagger", null, compatibleOnly: true, certifiedOnly: false, cpu);
        Assert.Equal(["Acme.Tagger"], term.Results.Select(r => r.Id));
        var postprocessors = await client.SearchAsync("llama", PluginKind.Postprocessor, compatibleOnly: false, certifiedOnly: false, cpu);
        Assert.Empty(postprocessors.Results);

        var resolution = await PluginResolver.ResolveAsync(client, "Acme.Tagger", null, cpu);
        Assert.Equal("1.5.0", resolution.Package!.Version.ToNormalizedString());
        Assert.StartsWith("2.0.0 (registry): skipped: it is built for plugin API [3.0,4.0)", resolution.Explanation[0], StringComparison.Ordinal);
        Assert.StartsWith("1.5.0 (registry): chosen", resolution.Explanation[1], StringComparison.Ordinal);

        var installed = await Installer(client).InstallAsync("Acme.Tagger", null, cpu);
        Assert.Equal("1.5.0", installed.Plugin.Version);
        Assert.Equal(SourceName, installed.Plugin.Source);
        Assert.Equal(_f.Key.KeyId, installed.Plugin.PublisherKeyId);
        Assert.True(File.Exists(Path.Combine(installed.Plugin.Directory, "Acme.Tagger.dll")));
        Assert.Contains(installed.Explanation, l => l.StartsWith("source 'registry': signed index of test-registry version ", StringComparison.Ordinal) && l.Contains("accepted (signed by test-registry", StringComparison.Ordinal));
        Assert.Contains(installed.Explanation, l => l.Contains("Acme.Tagger 1.5.0: SHA-256 ", StringComparison.Ordinal) && l.EndsWith("matches the index", StringComparison.Ordinal));
        Assert.Contains("certification: no records", installed.Explanation);

        var state = RegistryIndexState.Load(Path.Combine(_f.Home, RegistryIndexState.FileName));
        var record = Assert.Single(state.Records);
        Assert.Equal(Handle.ServiceIndexUri.ToString(), record.Key);
        Assert.Equal("test-registry", record.Value.Registry);

        var gpu = await Installer(client).InstallAsync("Acme.Llama", null, RegistryFixture.WithNvidiaGpu());
        Assert.Equal("cuda12", gpu.Plugin.Variant);
        Assert.True(File.Exists(Path.Combine(gpu.Plugin.Directory, "cuda12", "Acme.Llama.dll")));
    }

    [Fact]
    public async Task An_unsigned_package_is_refused_by_the_server_on_push()
    {
        await StartAsync();
        var package = await BuildAsync("Acme.Unsigned", "1.0.0", sign: false);
        using var response = await PushRawAsync(await File.ReadAllBytesAsync(package));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_expired_index_is_refused_and_nothing_is_installed()
    {
        await StartAsync(o => o.IndexLifetime = TimeSpan.FromHours(1));
        await PushAsync("Acme.Tagger", "1.0.0");
        _clock.Now = Start.AddHours(2);

        var refused = await Assert.ThrowsAsync<TrustException>(() => Installer(Client()).InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly()));
        Assert.Contains("Cannot install Acme.Tagger 1.0.0 from source 'registry'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("expired at 2026-11-27T11:00:00Z", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_f.Installer.List());
    }

    [Fact]
    public async Task An_index_signed_by_a_key_not_trusted_as_registry_is_refused()
    {
        using var stranger = SigningKey.Create("stranger");
        await StartAsync(o => o.SignIndex = payload => SignedEnvelope.Sign(SignedEnvelope.IndexPayloadType, payload.Span, stranger).ToJson());
        await PushAsync("Acme.Tagger", "1.0.0");

        var refused = await Assert.ThrowsAsync<TrustException>(() => Installer(Client()).InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly()));
        Assert.Contains("source 'registry': its signed index was refused", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"signed by key {stranger.KeyId}, which is not in the trust policy", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_f.Installer.List());
    }

    [Fact]
    public async Task A_rolled_back_index_is_refused_and_the_installed_version_stays()
    {
        var port = FreePort();
        await StartAsync(o => o.Urls = [$"http://127.0.0.1:{port}"]);
        await PushAsync("Acme.Tagger", "1.0.0");
        await StopAsync();
        var old = Path.Combine(_server, "packages-old");
        CopyDirectory(PackagesDirectory, old);

        await StartAsync(o => o.Urls = [$"http://127.0.0.1:{port}"]);
        await PushAsync("Acme.Tagger", "1.1.0");
        var installer = Installer(Client());
        var installed = await installer.InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly());
        Assert.Equal("1.1.0", installed.Plugin.Version);
        var accepted = RegistryIndexState.Load(Path.Combine(_f.Home, RegistryIndexState.FileName)).Records[Handle.ServiceIndexUri.ToString()].Version;
        await StopAsync();

        // The same address now serves the registry's older state, signed by a server whose clock is behind: its index
        // has a lower version.
        _serverClock.Now = Start - TimeSpan.FromHours(1);
        await StartAsync(o => (o.Urls, o.PackagesDirectory) = ([$"http://127.0.0.1:{port}"], old));
        var refused = await Assert.ThrowsAsync<TrustException>(() => Installer(Client()).InstallAsync("Acme.Tagger", "1.0.0", RegistryFixture.CpuOnly()));
        Assert.Contains("Cannot install Acme.Tagger 1.0.0 from source 'registry'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("rolled back", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"lower than version {accepted}", refused.Message, StringComparison.Ordinal);
        var still = Assert.Single(installer.List());
        Assert.Equal("1.1.0", still.Version);
        Assert.Null(still.Problem);
    }

    [Fact]
    public async Task A_rebuilt_registry_db_signs_a_higher_index_version_and_clients_keep_working()
    {
        var port = FreePort();
        await StartAsync(o => o.Urls = [$"http://127.0.0.1:{port}"]);
        await PushAsync("Acme.Tagger", "1.0.0");
        await Installer(Client()).InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly());
        var seen = RegistryIndexState.Load(Path.Combine(_f.Home, RegistryIndexState.FileName)).Records[Handle.ServiceIndexUri.ToString()].Version;
        await StopAsync();
        foreach (var file in Directory.GetFiles(PackagesDirectory, "registry.db*"))
        {
            File.Delete(file);
        }

        await StartAsync(o => o.Urls = [$"http://127.0.0.1:{port}"]);
        await PushAsync("Acme.Tagger", "1.1.0");
        var update = await Installer(Client()).UpdateAsync("Acme.Tagger", RegistryFixture.CpuOnly());

        Assert.True(update.Updated);
        Assert.Equal("1.1.0", update.Install!.Plugin.Version);
        var now = RegistryIndexState.Load(Path.Combine(_f.Home, RegistryIndexState.FileName)).Records[Handle.ServiceIndexUri.ToString()].Version;
        Assert.True(now > seen, $"the rebuilt registry signed version {now}, not above {seen}");
    }

    [Fact]
    public async Task Reset_index_accepts_a_registry_whose_version_went_down_and_reports_what_changed()
    {
        await StartAsync();
        await PushAsync("Acme.Tagger", "1.0.0");
        await PushAsync("Acme.Tagger", "1.1.0");
        var installer = Installer(Client());
        await installer.InstallAsync("Acme.Tagger", "1.0.0", RegistryFixture.CpuOnly());

        // This client once saw a far later version of the registry, as after the registry was restored from an old backup.
        var statePath = Path.Combine(_f.Home, RegistryIndexState.FileName);
        var state = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(statePath))!;
        state["sources"]![Handle.ServiceIndexUri.ToString()]!["version"] = 99_999_999_999L;
        File.WriteAllText(statePath, state.ToJsonString());
        var refused = await Assert.ThrowsAsync<TrustException>(() => installer.UpdateAsync("Acme.Tagger", RegistryFixture.CpuOnly()));
        Assert.Contains("rolled back", refused.Message, StringComparison.Ordinal);

        var reset = await installer.ResetIndexAsync(SourceName);

        Assert.Equal(99_999_999_999L, reset.Previous!.Version);
        Assert.True(reset.Accepted.Version < reset.Previous.Version);
        Assert.Equal(_registryKey.KeyId, reset.KeyId);
        Assert.Equal("test-registry", reset.KeyName);
        var update = await installer.UpdateAsync("Acme.Tagger", RegistryFixture.CpuOnly());
        Assert.Equal("1.1.0", update.Install!.Plugin.Version);
        await Assert.ThrowsAsync<RegistryException>(() => installer.ResetIndexAsync("no-such-source"));
    }

    [Fact]
    public async Task Reset_index_still_refuses_an_index_signed_by_an_untrusted_key()
    {
        using var stranger = SigningKey.Create("stranger");
        await StartAsync(o => o.SignIndex = payload => SignedEnvelope.Sign(SignedEnvelope.IndexPayloadType, payload.Span, stranger).ToJson());
        await PushAsync("Acme.Tagger", "1.0.0");

        await Assert.ThrowsAsync<TrustException>(() => Installer(Client()).ResetIndexAsync(SourceName));
        Assert.False(File.Exists(Path.Combine(_f.Home, RegistryIndexState.FileName)));
    }

    [Fact]
    public async Task A_package_replaced_on_the_server_is_refused_by_the_index_hash_although_its_publisher_signed_it()
    {
        await StartAsync();
        await PushAsync("Acme.Tagger", "1.0.0");
        var replacement = await BuildAsync("Acme.Tagger", "1.0.0", change: "a different build");
        using (var reader = PluginPackageReader.Open(replacement))
        {
            Assert.Equal(Trust.Content.ContentVerificationStatus.Trusted, reader.Verify(_f.Policy).Status);
        }

        File.Copy(replacement, Path.Combine(PackagesDirectory, "acme.tagger", "1.0.0", "acme.tagger.1.0.0.nupkg"), overwrite: true);

        var refused = await Assert.ThrowsAsync<TrustException>(() => Installer(Client()).InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly()));
        Assert.Contains("Acme.Tagger 1.0.0 from source 'registry'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("the index of test-registry (version ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("the download was altered or corrupted", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_f.Installer.List());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_f.Home, "cache", "packages"), "*.nupkg"));
    }

    [Fact]
    public async Task Sources_without_a_signed_index_install_as_before_unless_an_index_is_required()
    {
        await StartAsync(o => o.SignIndex = null);
        await PushAsync("Acme.Tagger", "1.0.0");
        var client = Client();

        var strict = Installer(client, requireSignedIndex: true);
        var refused = await Assert.ThrowsAsync<RegistryException>(() => strict.InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly()));
        Assert.Equal("Cannot install Acme.Tagger 1.0.0 from source 'registry': it has no signed index (the feed publishes none) and a signed index is required (--require-signed-index)", refused.Message);

        var installed = await Installer(client).InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly());
        Assert.Contains("source 'registry': no signed index (the feed publishes none); the package is checked against its publisher signature only", installed.Explanation);
        Assert.False(File.Exists(Path.Combine(_f.Home, RegistryIndexState.FileName)));

        await _f.PublishAsync("Acme.Local", "1.0.0");
        _f.Settings.AddSource(PackageSourceSettings.LocalSourceName, _f.Feed);
        var local = await Assert.ThrowsAsync<RegistryException>(() => strict.InstallAsync("Acme.Local", null, RegistryFixture.CpuOnly()));
        Assert.Contains("from source 'local': it has no signed index (a local folder feed)", local.Message, StringComparison.Ordinal);
        var fromFolder = await Installer(client).InstallAsync("Acme.Local", null, RegistryFixture.CpuOnly());
        Assert.Contains("source 'local': no signed index (a local folder feed); the package is checked against its publisher signature only", fromFolder.Explanation);
    }

    [Fact]
    public async Task A_source_that_drops_its_signed_index_is_refused()
    {
        var port = FreePort();
        await StartAsync(o => o.Urls = [$"http://127.0.0.1:{port}"]);
        await PushAsync("Acme.Tagger", "1.0.0");
        await PushAsync("Acme.Tagger", "1.1.0");
        await Installer(Client()).InstallAsync("Acme.Tagger", "1.0.0", RegistryFixture.CpuOnly());
        await StopAsync();

        await StartAsync(o => (o.Urls, o.SignIndex) = ([$"http://127.0.0.1:{port}"], null));
        var refused = await Assert.ThrowsAsync<TrustException>(() => Installer(Client()).UpdateAsync("Acme.Tagger", RegistryFixture.CpuOnly()));
        Assert.Contains("Acme.Tagger 1.1.0 from source 'registry'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("published a signed index before (version ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("now serves none", refused.Message, StringComparison.Ordinal);
        Assert.Equal("1.0.0", Assert.Single(_f.Installer.List()).Version);
    }

    [Fact]
    public async Task Certified_means_a_trusted_certifiers_valid_record_covers_a_device_of_this_machine()
    {
        using var stranger = SigningKey.Create("stranger-labs");
        await StartAsync();
        await PushAsync("Acme.Llama", "1.0.0", kinds: "\"backend\"");
        await PushAsync("Acme.Mistral", "1.0.0", kinds: "\"backend\"");
        await PushAsync("Acme.Phi", "1.0.0", kinds: "\"backend\"");
        await PushAsync("Acme.Qwen", "1.0.0", kinds: "\"backend\"");
        await CertifyAsync("Acme.Llama", _certifierKey, "cpu", Start.AddDays(365));
        await CertifyAsync("Acme.Mistral", stranger, "cpu", Start.AddDays(365));
        await CertifyAsync("Acme.Phi", _certifierKey, "nvidia", Start.AddDays(365));
        var client = Client();
        var cpu = RegistryFixture.CpuOnly();

        var all = await client.SearchAsync(null, PluginKind.Backend, compatibleOnly: false, certifiedOnly: false, cpu);
        Assert.Equal(
            [CertificationStatus.Certified, CertificationStatus.NotCertified, CertificationStatus.NotCertified, CertificationStatus.Unknown],
            all.Results.Select(r => r.Certified));
        Assert.Equal("CPU (Test CPU): certified by acme-labs until 2027-11-27 (suite 1.0.0)", all.Results[0].CertificationReason);
        Assert.StartsWith("CPU (Test CPU): certifier key ", all.Results[1].CertificationReason, StringComparison.Ordinal);
        Assert.EndsWith("is not trusted as certifier (it is not in the trust policy; record by stranger-labs)", all.Results[1].CertificationReason, StringComparison.Ordinal);
        Assert.Equal("CPU (Test CPU): no record covers CPU (Test CPU)", all.Results[2].CertificationReason);

        var certified = await client.SearchAsync(null, null, compatibleOnly: false, certifiedOnly: true, cpu);
        Assert.Equal(["Acme.Llama"], certified.Results.Select(r => r.Id));
        Assert.Equal(3, certified.NotCertified.Count);
        Assert.StartsWith("Acme.Mistral 1.0.0 (registry): not certified on this machine: CPU (Test CPU): ", certified.NotCertified[0], StringComparison.Ordinal);
        Assert.Equal("Acme.Qwen 1.0.0 (registry): not certified on this machine: no certification records", certified.NotCertified[2]);

        // The record served by the source reaches the home's store on install, where the host reads it.
        var installed = await Installer(client).InstallAsync("Acme.Llama", null, cpu);
        Assert.Contains("certification: certified on this machine: CPU (Test CPU): certified by acme-labs until 2027-11-27 (suite 1.0.0)", installed.Explanation);
        var stored = Assert.Single(new CertificationStore(_f.Home).List("Acme.Llama"));
        Assert.Equal("acme-labs", stored.Payload!.Certifier);
        var devices = CertificationEvaluator.Evaluate("Acme.Llama", SemanticVersion.Parse("1.0.0"), new CertificationStore(_f.Home).Envelopes("Acme.Llama"), cpu, _f.Policy, _clock.GetUtcNow());
        Assert.True(Assert.Single(devices).Certified);

        var untrusted = await Installer(client).InstallAsync("Acme.Mistral", null, cpu);
        Assert.Contains(untrusted.Explanation, l => l.Contains($"signed by key {stranger.KeyId}, which is not in the trust policy", StringComparison.Ordinal) && l.EndsWith("Not stored.", StringComparison.Ordinal));
        Assert.Empty(new CertificationStore(_f.Home).List("Acme.Mistral"));

        // Once stored, the record certifies the plugin for a local search too, without the source.
        _clock.Now = Start.AddDays(400);
        var expired = Assert.Single((await client.SearchAsync("llama", null, false, false, cpu)).Results);
        Assert.Equal(CertificationStatus.NotCertified, expired.Certified);
        Assert.Contains("record by acme-labs expired on 2027-11-27", expired.CertificationReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Beyond_loopback_reads_need_the_api_key_which_the_client_sends_as_the_source_password()
    {
        await StartAsync(o => o.Urls = ["http://0.0.0.0:0"]);
        var feed = new Uri($"http://127.0.0.1:{Handle.BaseAddress.Port}/v3/index.json");
        await PushAsync("Acme.Tagger", "1.0.0");

        _f.Settings.AddSource(SourceName, feed.ToString());
        _f.Settings.RemoveSource(PackageSourceSettings.LocalSourceName);
        var anonymous = await new RegistryClient(_f.Settings, new PackageManifestCache()).SearchAsync(null, null, false, false, RegistryFixture.CpuOnly());
        Assert.Empty(anonymous.Results);
        Assert.StartsWith($"source 'registry' ({feed}) could not be searched: ", Assert.Single(anonymous.Warnings), StringComparison.Ordinal);

        var source = _f.Settings.AddSource(SourceName, feed.ToString(), apiKey: ApiKey);
        Assert.True(source.HasApiKey);
        var client = new RegistryClient(_f.Settings, new PackageManifestCache()) { CertificationCheck = new TrustedCertificationCheck(_f.Home, timeProvider: _clock) };
        var found = await client.SearchAsync(null, null, false, false, RegistryFixture.CpuOnly());
        Assert.Empty(found.Warnings);
        Assert.Equal(["Acme.Tagger"], found.Results.Select(r => r.Id));
        var installed = await Installer(client).InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly());
        Assert.Contains(installed.Explanation, l => l.StartsWith("source 'registry': signed index of test-registry", StringComparison.Ordinal));

        var withPassword = _f.Settings.AddSource(SourceName, feed.ToString(), userName: "someone", password: ApiKey);
        Assert.True(withPassword.HasCredentials);
        var byPassword = await new RegistryClient(_f.Settings, new PackageManifestCache()).SearchAsync("tagger", null, false, false, RegistryFixture.CpuOnly());
        Assert.Empty(byPassword.Warnings);
        Assert.Single(byPassword.Results);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private async Task StartAsync(Action<RegistryServerOptions>? configure = null)
    {
        var serverPolicy = new TrustPolicy();
        serverPolicy.Trust(_f.Key, KeyRole.Publisher);
        var options = new RegistryServerOptions
        {
            PackagesDirectory = PackagesDirectory,
            ApiKeys = [ApiKey],
            RegistryName = "test-registry",
            SignIndex = payload => SignedEnvelope.Sign(SignedEnvelope.IndexPayloadType, payload.Span, _registryKey).ToJson(),
            PushValidators = [new ContentPushValidator(serverPolicy, requireTrustedSignature: true)],
            TimeProvider = _serverClock,
        };
        configure?.Invoke(options);
        _handle = await RegistryServer.StartAsync(options);
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_handle.BaseAddress.Port}/") };
    }

    private async Task StopAsync()
    {
        _http?.Dispose();
        _http = null;
        if (_handle is not null)
        {
            await _handle.DisposeAsync();
            _handle = null;
        }
    }

    /// <summary>A client whose only source is the running server, with the test clock deciding certification expiry.</summary>
    private RegistryClient Client()
    {
        _f.Settings.AddSource(SourceName, Handle.ServiceIndexUri.ToString());
        _f.Settings.RemoveSource(PackageSourceSettings.LocalSourceName);
        return new RegistryClient(_f.Settings, new PackageManifestCache()) { CertificationCheck = new TrustedCertificationCheck(_f.Home, timeProvider: _clock) };
    }

    private PluginInstaller Installer(RegistryClient client, bool requireSignedIndex = false) =>
        new(new PluginAIPaths(_f.Home), client, new PluginInstallerOptions { TimeProvider = _clock, RequireSignedIndex = requireSignedIndex });

    private async Task<string> BuildAsync(string id, string version, string hostApi = "[2.0,3.0)", bool cuda = false, string kinds = "\"postprocessor\"", bool sign = true, string? change = null)
    {
        var folder = _f.MakePluginFolder(id, version, hostApi, cuda, kinds);
        if (change is not null)
        {
            await File.AppendAllTextAsync(Path.Combine(folder, $"{id}.dll"), change);
        }

        var output = Path.Combine(_f.Root, "out", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(output);
        var result = await PluginPackageBuilder.BuildAsync(folder, output + Path.DirectorySeparatorChar, sign ? _f.Key : null);
        return result.PackagePath;
    }

    private async Task PushAsync(string id, string version, string hostApi = "[2.0,3.0)", bool cuda = false, string kinds = "\"postprocessor\"")
    {
        var package = await BuildAsync(id, version, hostApi, cuda, kinds);
        using var response = await PushRawAsync(await File.ReadAllBytesAsync(package));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"push {id} {version}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<HttpResponseMessage> PushRawAsync(byte[] package)
    {
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(package);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, "package", "package.nupkg");
        using var request = new HttpRequestMessage(HttpMethod.Put, "api/v2/package") { Content = content };
        request.Headers.Add("X-NuGet-ApiKey", ApiKey);
        return await _http!.SendAsync(request);
    }

    private async Task CertifyAsync(string id, SigningKey certifier, string vendor, DateTimeOffset expires)
    {
        var claims = new CertificationClaims
        {
            Certifier = certifier.Name,
            PluginId = id,
            Versions = VersionRange.Parse("[1.0,2.0)"),
            Devices = [new CertificationDevice { Vendor = vendor }],
            SuiteVersion = "1.0.0",
            Expires = expires,
        };
        var envelope = CertificationIssuer.Issue(certifier, claims, new string('a', 64), Start);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"pluginai/v1/certifications/{id.ToLowerInvariant()}") { Content = new ByteArrayContent(envelope.ToJson()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-NuGet-ApiKey", ApiKey);
        using var response = await _http!.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"certify {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
