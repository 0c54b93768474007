using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PluginAI.Hardware;
using PluginAI.Manifest;
using PluginAI.Trust.Certification;

namespace PluginAI.Trust.Tests;

public sealed class CertificationTests : IDisposable
{
    private const string PluginId = "acme.backends.cuda";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private static readonly SemanticVersion Version = SemanticVersion.Parse("1.4.0");
    private static readonly string ReportSha = new('a', 64);

    private readonly string _home = Path.Combine(Path.GetTempPath(), "pluginai-cert-" + Guid.NewGuid().ToString("N"));
    private readonly SigningKey _nvidia = SigningKey.Create("nvidia", Now.AddDays(-10));
    private readonly TrustPolicy _policy = new();

    public CertificationTests() => _policy.Trust(_nvidia, KeyRole.Certifier, Now.AddDays(-10));

    public void Dispose()
    {
        _nvidia.Dispose();
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public void Certification_IssueAndVerify_CertifiesTheCoveredGpu()
    {
        var record = CertificationIssuer.Issue(_nvidia, Claims(), ReportSha, Now);

        Assert.Equal(SignedEnvelope.CertificationPayloadType, record.PayloadType);
        record.Verify(_policy, SignedEnvelope.CertificationPayloadType, KeyRole.Certifier, "record");
        var payload = CertificationPayload.Parse(record.Payload.Span, "record");
        Assert.Equal(PluginId, payload.PluginId);
        Assert.Equal("10de:2335", Assert.Single(payload.Devices[0].PciIds));
        Assert.Equal(Now, payload.Issued);
        Assert.StartsWith("{\"format\":\"pluginai-certification/1\",\"certifier\":\"nvidia\",\"pluginId\":", Encoding.UTF8.GetString(record.Payload.Span), StringComparison.Ordinal);

        var result = Assert.Single(Evaluate(record));
        Assert.True(result.Certified, result.Reason);
        Assert.Equal("NVIDIA H200 (10de:2335)", result.Device);
        Assert.Equal("certified by nvidia until 2027-06-30 (suite 1.0.0)", result.Reason);
        Assert.Equal("nvidia", result.Certifier);
        Assert.Equal(_nvidia.KeyId, result.KeyId);
        Assert.True(CertificationEvaluator.IsAllowed([result], new TrustPolicy { RequireCertified = true }));
    }

    [Fact]
    public void Certification_PciIdsInOtherNotations_MatchCaseInsensitively()
    {
        var claims = Claims() with { Devices = [new CertificationDevice { Vendor = "NVIDIA", PciIds = ["0x10DE:0x2335"] }] };
        var record = CertificationIssuer.Issue(_nvidia, claims, ReportSha, Now);

        Assert.True(Assert.Single(Evaluate(record, Machine(pciId: "10DE:2335"))).Certified);
        Assert.Equal("10de:2335", PciId.Normalize("0x10de:0x2335"));
        Assert.Null(PciId.Normalize("10de"));
    }

    [Fact]
    public void Certification_VendorWithoutPciIds_CoversEveryDeviceOfTheVendor()
    {
        var record = CertificationIssuer.Issue(_nvidia, Claims() with { Devices = [new CertificationDevice { Vendor = "nvidia" }] }, ReportSha, Now);

        Assert.True(Assert.Single(Evaluate(record, Machine(pciId: "10de:2330", name: "NVIDIA H100"))).Certified);
    }

    [Fact]
    public void Certification_ExpiredRecord_IsNotCertified()
    {
        var record = CertificationIssuer.Issue(_nvidia, Claims(), ReportSha, Now);

        var result = Assert.Single(CertificationEvaluator.Evaluate(PluginId, Version, [record], Machine(), _policy, new DateTimeOffset(2027, 7, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.False(result.Certified);
        Assert.Equal("record by nvidia expired on 2027-06-30", result.Reason);
    }

    [Fact]
    public void Certification_UntrustedCertifier_IsNotCertified()
    {
        using var stranger = SigningKey.Create("nvidia", Now);
        var record = CertificationIssuer.Issue(stranger, Claims(), ReportSha, Now);

        var result = Assert.Single(Evaluate(record));

        Assert.False(result.Certified);
        Assert.StartsWith($"certifier key {stranger.KeyId[..8]}… is not trusted as certifier", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Certification_KeyTrustedOnlyAsPublisher_IsNotTrustedAsCertifier()
    {
        using var publisher = SigningKey.Create("acme", Now);
        _policy.Trust(publisher, KeyRole.Publisher, Now);
        var record = CertificationIssuer.Issue(publisher, Claims(), ReportSha, Now);

        var result = Assert.Single(Evaluate(record));

        Assert.False(result.Certified);
        Assert.Contains("is not trusted as certifier, only as publisher", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Certification_RevokedCertifier_IsNotCertified()
    {
        var record = CertificationIssuer.Issue(_nvidia, Claims(), ReportSha, Now);
        _policy.Revoke(_nvidia.KeyId, Now.AddDays(1));

        var result = Assert.Single(Evaluate(record));

        Assert.False(result.Certified);
        Assert.Contains("was revoked on 2026-11-28", result.Reason, StringComparison.Ordinal);
        Assert.Throws<TrustException>(() => new CertificationStore(_home).Add(record, _policy, Now));
    }

    [Fact]
    public void Certification_RecordForAnotherPlugin_DoesNotCover()
    {
        var record = CertificationIssuer.Issue(_nvidia, Claims() with { PluginId = "other.plugin" }, ReportSha, Now);

        var result = Assert.Single(Evaluate(record));

        Assert.False(result.Certified);
        Assert.StartsWith("no record covers NVIDIA H200 (10de:2335)", result.Reason, StringComparison.Ordinal);
        Assert.Contains("record by nvidia is for plugin other.plugin, not acme.backends.cuda", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Certification_VersionOutsideRange_IsNotCertified()
    {
        var record = CertificationIssuer.Issue(_nvidia, Claims() with { Versions = VersionRange.Parse("[1.0,2.0)") }, ReportSha, Now);

        var result = Assert.Single(CertificationEvaluator.Evaluate(PluginId, SemanticVersion.Parse("2.1.0"), [record], Machine(), _policy, Now));

        Assert.False(result.Certified);
        Assert.Equal("record by nvidia covers versions [1.0,2.0), this is 2.1.0", result.Reason);
    }

    [Fact]
    public void Certification_DeviceNotCovered_SaysSo()
    {
        var record = CertificationIssuer.Issue(_nvidia, Claims(), ReportSha, Now);

        var results = Evaluate(record, Machine(pciId: "10de:2330", name: "NVIDIA H100") with
        {
            Accelerators =
            [
                new AcceleratorInfo { Type = AcceleratorType.Gpu, Vendor = "nvidia", Name = "NVIDIA H100", PciId = "10de:2330", Driver = "nvidia 580.159.04" },
                new AcceleratorInfo { Type = AcceleratorType.Gpu, Vendor = "amd", Name = "AMD Radeon PRO W7900", PciId = "1002:7448", Driver = "amdgpu" },
            ],
        });

        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.False(r.Certified));
        Assert.Equal("no record covers NVIDIA H100 (10de:2330)", results[0].Reason);
        Assert.Equal("no record covers AMD Radeon PRO W7900 (1002:7448)", results[1].Reason);
        var ex = Assert.Throws<TrustException>(() => CertificationEvaluator.EnsureAllowed(PluginId, results, new TrustPolicy { RequireCertified = true }));
        Assert.Contains("NVIDIA H100 (10de:2330): no record covers", ex.Message, StringComparison.Ordinal);
        Assert.True(CertificationEvaluator.IsAllowed(results, new TrustPolicy()));
    }

    [Fact]
    public void Certification_NoRecords_CpuOnlyMachine_ListsTheCpu()
    {
        var result = Assert.Single(CertificationEvaluator.Evaluate(PluginId, Version, [], Machine() with { Accelerators = [] }, _policy, Now));

        Assert.False(result.Certified);
        Assert.Equal("CPU (Test CPU)", result.Device);
        Assert.Equal("no record covers CPU (Test CPU)", result.Reason);
    }

    [Fact]
    public void Certification_CpuRecord_CertifiesTheCpu()
    {
        var record = CertificationIssuer.Issue(_nvidia, Claims() with { Devices = [new CertificationDevice { Vendor = "cpu" }] }, ReportSha, Now);

        var results = Evaluate(record);

        Assert.Equal(2, results.Count);
        Assert.False(results[0].Certified);
        Assert.True(results[1].Certified);
        Assert.Null(results[1].Accelerator);
    }

    [Fact]
    public void Certification_DriverOutsideRange_IsNotCertified()
    {
        var claims = Claims() with { Devices = [new CertificationDevice { Vendor = "nvidia", PciIds = ["10de:2335"], Drivers = VersionRange.Parse("[550,)") }] };
        var record = CertificationIssuer.Issue(_nvidia, claims, ReportSha, Now);

        var old = Assert.Single(Evaluate(record, Machine(driver: "nvidia 535.104")));
        var current = Assert.Single(Evaluate(record, Machine(driver: "nvidia 580.159.04")));
        var unknown = Assert.Single(Evaluate(record, Machine(driver: null)));

        Assert.False(old.Certified);
        Assert.Equal("driver 535.104 is outside [550,) (record by nvidia)", old.Reason);
        Assert.True(current.Certified, current.Reason);
        Assert.False(unknown.Certified);
        Assert.Contains("driver version of NVIDIA H200 (10de:2335) is unknown", unknown.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Certification_TamperedPayload_IsNotCertified()
    {
        var record = CertificationIssuer.Issue(_nvidia, Claims() with { Versions = VersionRange.Parse("[1.0,1.1)") }, ReportSha, Now);
        var envelope = JsonNode.Parse(record.ToJson())!.AsObject();
        var payload = Encoding.UTF8.GetString(record.Payload.Span).Replace("[1.0,1.1)", "[1.0,9.0)", StringComparison.Ordinal);
        envelope["payload"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload));
        var tampered = SignedEnvelope.Parse(Encoding.UTF8.GetBytes(envelope.ToJsonString()), "tampered.json");

        var result = Assert.Single(Evaluate(tampered));

        Assert.False(result.Certified);
        Assert.Contains("does not match its signature", result.Reason, StringComparison.Ordinal);
        Assert.Throws<TrustException>(() => new CertificationStore(_home).Add(tampered, _policy, Now));
    }

    [Fact]
    public void Certification_BestRecordWins_AndUnreadableRecordsAreReported()
    {
        var expired = CertificationIssuer.Issue(_nvidia, Claims() with { Expires = Now.AddDays(10) }, ReportSha, Now);
        var valid = CertificationIssuer.Issue(_nvidia, Claims(), ReportSha, Now);
        var license = SignedEnvelope.Sign(SignedEnvelope.LicensePayloadType, "{}"u8, _nvidia);

        var result = Assert.Single(CertificationEvaluator.Evaluate(PluginId, Version, [license, expired, valid], Machine(), _policy, Now.AddDays(20)));
        var onlyLicense = Assert.Single(CertificationEvaluator.Evaluate(PluginId, Version, [license], Machine(), _policy, Now));

        Assert.True(result.Certified);
        Assert.Contains("cannot be read", onlyLicense.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Certification_IssueFromReport_RefusesAReportWithFailures()
    {
        var passing = Report(failed: false);
        var failing = Report(failed: true);

        var record = CertificationIssuer.Issue(_nvidia, Claims(), passing, Now);
        var ex = Assert.Throws<TrustException>(() => CertificationIssuer.Issue(_nvidia, Claims(), failing, Now));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(passing)), CertificationPayload.Parse(record.Payload.Span, "r").ReportSha256);
        Assert.Contains("Chat_MaxOutputTokens_IsRespected", ex.Message, StringComparison.Ordinal);
        Assert.Throws<TrustException>(() => CertificationIssuer.Issue(_nvidia, Claims() with { SuiteVersion = "2.0.0" }, passing, Now));
    }

    [Fact]
    public void Certification_InvalidClaims_NameTheField()
    {
        var badPci = Assert.Throws<TrustException>(() => CertificationIssuer.Issue(_nvidia, Claims() with { Devices = [new CertificationDevice { Vendor = "nvidia", PciIds = ["h200"] }] }, ReportSha, Now));
        var expired = Assert.Throws<TrustException>(() => CertificationIssuer.Issue(_nvidia, Claims() with { Expires = Now.AddDays(-1) }, ReportSha, Now));
        var badSha = Assert.Throws<TrustException>(() => CertificationIssuer.Issue(_nvidia, Claims(), "abc", Now));

        Assert.Contains("devices[0].pciIds[0]", badPci.Message, StringComparison.Ordinal);
        Assert.Contains("'expires'", expired.Message, StringComparison.Ordinal);
        Assert.Contains("'reportSha256'", badSha.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certification_Store_AddListRemove()
    {
        var store = new CertificationStore(_home);
        var record = CertificationIssuer.Issue(_nvidia, Claims(), ReportSha, Now);

        var stored = store.Add(record, _policy, Now);
        store.Add(record, _policy, Now);

        var prefix = Convert.ToHexStringLower(SHA256.HashData(record.Payload.Span))[..12];
        Assert.Equal(Path.Combine(_home, "certifications", PluginId, $"nvidia-{prefix}.json"), stored.Path);
        var listed = Assert.Single(store.List(PluginId));
        Assert.Equal("nvidia", listed.Payload!.Certifier);
        Assert.True(Assert.Single(CertificationEvaluator.Evaluate(PluginId, Version, store.Envelopes(PluginId), Machine(), _policy, Now)).Certified);
        Assert.Empty(store.List("other.plugin"));

        var removed = store.Remove(PluginId, "nvidia");

        Assert.Equal([stored.Path], removed);
        Assert.Empty(store.List(PluginId));
        var expired = Assert.Throws<TrustException>(() => store.Add(record, _policy, Now.AddYears(2)));
        Assert.Contains("expired", expired.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certification_ManifestEmbeddedRecord_RoundTripsThroughTheManifestAndVerifies()
    {
        var record = CertificationIssuer.IssueForManifest(_nvidia, Claims(), ReportSha, Now);
        var manifest = new PluginManifest
        {
            Id = PluginId,
            Version = Version,
            Kinds = [PluginAI.PluginKind.Backend],
            Entry = new PluginEntryPoint("Acme.Backends.Cuda.dll", "Acme.Backends.Cuda.Plugin"),
            HostApi = VersionRange.Parse("1.0"),
            Certifications = [record],
        };

        var read = ManifestReader.Parse(ManifestWriter.ToJson(manifest));
        Assert.True(read.Manifest is not null, string.Join("; ", read.Errors.Select(e => e.ToString())));
        var embedded = Assert.Single(read.Manifest.Certifications);
        var envelope = CertificationRecords.ToEnvelope(embedded, "pluginai.json: certifications[0]");

        Assert.Equal(CertificationRecords.CanonicalPayload(record), envelope.Payload.ToArray());
        envelope.Verify(_policy, SignedEnvelope.CertificationPayloadType, KeyRole.Certifier, "pluginai.json");
        Assert.True(Assert.Single(Evaluate(envelope)).Certified);
        var back = CertificationRecords.ToRecord(envelope, "envelope");
        Assert.Equal(CertificationRecords.CanonicalPayload(record), CertificationRecords.CanonicalPayload(back));
        Assert.Equal((record.KeyId, record.Signature), (back.KeyId, back.Signature));

        var altered = embedded with { Versions = VersionRange.Parse("[1.0,9.0)") };
        Assert.False(Assert.Single(Evaluate(CertificationRecords.ToEnvelope(altered, "pluginai.json"))).Certified);

        var stored = CertificationIssuer.Issue(_nvidia, Claims(), ReportSha, Now);
        var ex = Assert.Throws<TrustException>(() => CertificationRecords.ToRecord(stored, "nvidia.json"));
        Assert.Contains(nameof(CertificationIssuer.IssueForManifest), ex.Message, StringComparison.Ordinal);
    }

    private static CertificationClaims Claims() => new()
    {
        Certifier = "nvidia",
        PluginId = PluginId,
        Versions = VersionRange.Parse("[1.0,2.0)"),
        Devices = [new CertificationDevice { Vendor = "nvidia", PciIds = ["10de:2335"], Name = "NVIDIA H200" }],
        SuiteVersion = "1.0.0",
        Expires = new DateTimeOffset(2027, 6, 30, 0, 0, 0, TimeSpan.Zero),
    };

    private static HardwareProfile Machine(string? pciId = "10de:2335", string name = "NVIDIA H200", string? driver = "nvidia 580.159.04") => new()
    {
        OperatingSystem = "linux",
        Architecture = "x64",
        RuntimeIdentifier = "linux-x64",
        Cpu = new CpuInfo { ModelName = "Test CPU", PhysicalCores = 2, LogicalCores = 2 },
        Memory = new MemoryInfo { TotalBytes = 1L << 34, AvailableBytes = 1L << 33 },
        Accelerators = [new AcceleratorInfo { Type = AcceleratorType.Gpu, Vendor = "nvidia", Name = name, PciId = pciId, Driver = driver }],
    };

    private static byte[] Report(bool failed) => Encoding.UTF8.GetBytes($$"""
        {
          "format": "pluginai-conformance-report/1",
          "suite": "backend",
          "suiteVersion": "1.0.0",
          "plugin": { "id": "{{PluginId}}" },
          "passed": {{(failed ? 1 : 2)}},
          "failed": {{(failed ? 1 : 0)}},
          "skipped": 0,
          "tests": [
            { "name": "Metadata_DescribesBackendAndModel", "outcome": "passed", "durationMs": 1 },
            { "name": "Chat_MaxOutputTokens_IsRespected", "outcome": "{{(failed ? "failed" : "passed")}}", "durationMs": 2 }
          ]
        }
        """);

    private IReadOnlyList<DeviceCertification> Evaluate(SignedEnvelope record, HardwareProfile? machine = null) =>
        CertificationEvaluator.Evaluate(PluginId, Version, [record], machine ?? Machine(), _policy, Now);
}
