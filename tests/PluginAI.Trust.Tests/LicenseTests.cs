using System.Text.Json.Nodes;
using PluginAI.Licensing;
using PluginAI.Manifest;
using PluginAI.Trust.Licensing;

namespace PluginAI.Trust.Tests;

public sealed class LicenseTests : IDisposable
{
    private const string Product = "ACME-REDACT";
    private const string ThisMachine = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private readonly TempDir _home = new();
    private readonly SigningKey _vendor = SigningKey.Create("acme-vendor", PluginFixture.T0);
    private readonly TrustPolicy _policy = new();
    private readonly FakeTimeProvider _clock = new(PluginFixture.T0);
    private readonly LicenseEvaluator _evaluator = new(MachineIdentity.Fixed(ThisMachine));
    private readonly LicenseStore _store;

    public LicenseTests()
    {
        _policy.Trust(_vendor, KeyRole.Vendor, PluginFixture.T0);
        _store = new LicenseStore(_home.Path);
    }

    public void Dispose()
    {
        _vendor.Dispose();
        _home.Dispose();
    }

    [Fact]
    public void FreePluginNeedsNothing()
    {
        var state = Evaluate(Manifest(LicensingModel.Free));

        Assert.Equal(PluginLicenseStatus.Free, state.Status);
        Assert.True(state.IsUsable);
        Assert.False(state.HasFeature("pro"));
    }

    [Fact]
    public void ClockFileThatIsAFolder_IsATrustErrorNamingIt()
    {
        AddLicense(Claims() with { Machine = MachineBinding.Create(ThisMachine, Product) });
        Directory.CreateDirectory(_store.ClockPath);

        var ex = Assert.Throws<TrustException>(() => Evaluate(Manifest()));

        Assert.Contains($"{_store.ClockPath} is a folder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidLicenseIsLicensedWithFeatures()
    {
        AddLicense(Claims() with { Machine = MachineBinding.Create(ThisMachine, Product) });

        var state = Evaluate(Manifest());

        Assert.Equal(PluginLicenseStatus.Licensed, state.Status);
        Assert.Equal("Example Corp", state.Licensee);
        Assert.True(state.HasFeature("PRO"));
        Assert.False(state.HasFeature("enterprise"));
        Assert.Contains("lic-1.licence.json: licensed to Example Corp", state.Reason, StringComparison.Ordinal);
        Assert.Single(_store.List());
    }

    [Fact]
    public void ExpiredLicenseIsExpired()
    {
        AddLicense(Claims() with { Expires = PluginFixture.T0.AddDays(30) });
        _clock.Advance(TimeSpan.FromDays(31));

        var state = Evaluate(Manifest());

        Assert.Equal(PluginLicenseStatus.Expired, state.Status);
        Assert.False(state.IsUsable);
        Assert.Contains("expired at 2026-12-27T10:00:00Z", state.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LicenseForAnotherMachineIsWrongMachine()
    {
        AddLicense(Claims() with { Machine = MachineBinding.Create("another-machine", Product) });

        var state = Evaluate(Manifest());

        Assert.Equal(PluginLicenseStatus.WrongMachine, state.Status);
        Assert.Contains("bound to another machine", state.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void BindingUnavailableIsExplained()
    {
        AddLicense(Claims() with { Machine = MachineBinding.Create(ThisMachine, Product) });

        var state = new LicenseEvaluator(new UnavailableMachine()).Evaluate(Manifest(), _store, _policy, _clock.GetUtcNow());

        Assert.Equal(PluginLicenseStatus.WrongMachine, state.Status);
        Assert.Contains("machine binding is unavailable", state.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LicenseForAnotherProductIsWrongProduct()
    {
        var file = WriteLicense(Claims() with { Product = "ACME-OTHER" });
        _store.Add(file, _policy);

        Assert.Equal(PluginLicenseStatus.WrongProduct, _evaluator.EvaluateFile(Manifest(), file, _policy, _clock.GetUtcNow()).Status);
        Assert.Equal(PluginLicenseStatus.Missing, Evaluate(Manifest()).Status);
        var byVendorKey = Evaluate(Manifest(vendorKeyId: _vendor.KeyId));
        Assert.Equal(PluginLicenseStatus.WrongProduct, byVendorKey.Status);
        Assert.Contains("'ACME-OTHER'", byVendorKey.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TamperedPayloadIsInvalid()
    {
        var stored = _store.PathOf("lic-1");
        Directory.CreateDirectory(_store.Directory);
        var envelope = JsonNode.Parse(LicenseIssuer.Issue(_vendor, Claims()).ToJson())!.AsObject();
        envelope["payload"] = Convert.ToBase64String((Claims() with { Features = ["pro", "enterprise"] }).ToJson());
        File.WriteAllText(stored, envelope.ToJsonString());

        var state = Evaluate(Manifest());

        Assert.Equal(PluginLicenseStatus.Invalid, state.Status);
        Assert.Contains(stored, state.Reason, StringComparison.Ordinal);
        Assert.Contains("does not match", state.Reason, StringComparison.Ordinal);
        Assert.Throws<TrustException>(() => _store.Add(stored, _policy));
    }

    [Fact]
    public void UntrustedVendorKeyIsInvalid()
    {
        using var stranger = SigningKey.Create("stranger");
        Directory.CreateDirectory(_store.Directory);
        File.WriteAllBytes(_store.PathOf("lic-1"), LicenseIssuer.Issue(stranger, Claims()).ToJson());

        var state = Evaluate(Manifest());

        Assert.Equal(PluginLicenseStatus.Invalid, state.Status);
        Assert.Contains("not in the trust policy", state.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PublisherKeyIsNotAVendorKeyUnlessTheManifestNamesIt()
    {
        using var publisher = SigningKey.Create("acme-publisher");
        _policy.Trust(publisher, KeyRole.Publisher);
        AddLicense(Claims(), publisher);

        Assert.Equal(PluginLicenseStatus.Invalid, Evaluate(Manifest()).Status);
        Assert.Equal(PluginLicenseStatus.Licensed, Evaluate(Manifest(vendorKeyId: publisher.KeyId)).Status);
        Assert.Contains("licensing.vendorKeyId", Evaluate(Manifest(vendorKeyId: _vendor.KeyId)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TrialStartsAtFirstEvaluationThenExpires()
    {
        var manifest = Manifest(LicensingModel.Trial);

        var first = Evaluate(manifest);
        _clock.Advance(TimeSpan.FromDays(13));
        var later = Evaluate(manifest);
        _clock.Advance(TimeSpan.FromDays(2));
        var expired = Evaluate(manifest);

        Assert.Equal(PluginLicenseStatus.Trial, first.Status);
        Assert.Equal(PluginFixture.T0.AddDays(14), first.TrialEndsAt);
        Assert.True(first.HasFeature("anything"));
        Assert.Equal(PluginLicenseStatus.Trial, later.Status);
        Assert.Equal(PluginFixture.T0.AddDays(14), later.TrialEndsAt);
        Assert.Equal(PluginLicenseStatus.TrialExpired, expired.Status);
        Assert.Contains("14-day trial of 'ACME-REDACT' ended at 2026-12-11T10:00:00Z", expired.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TrialsStartedAtTheSameTime_AreAllRecorded()
    {
        var products = Enumerable.Range(0, 24).Select(i => $"TRIAL-{i:00}").ToList();
        var manifests = products.Select(p => Manifest(LicensingModel.Trial) with { Licensing = new LicensingInfo { Model = LicensingModel.Trial, ProductCode = p, TrialDays = 14 } }).ToList();

        var states = new PluginLicense[manifests.Count];
        using var start = new Barrier(manifests.Count);
        var threads = manifests.Select((m, i) => new Thread(() =>
        {
            start.SignalAndWait();
            states[i] = Evaluate(m);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.All(states, s => Assert.Equal(PluginLicenseStatus.Trial, s.Status));
        var trials = JsonNode.Parse(File.ReadAllText(_store.TrialsPath))!["trials"]!.AsObject();
        Assert.Equal(products.Order(StringComparer.Ordinal), trials.Select(t => t.Key).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(_store.TrialsPath + ".lock"));
    }

    [Fact]
    public void LicenseAfterTrialWins()
    {
        var manifest = Manifest(LicensingModel.Trial);
        Evaluate(manifest);
        _clock.Advance(TimeSpan.FromDays(20));
        AddLicense(Claims());

        Assert.Equal(PluginLicenseStatus.Licensed, Evaluate(manifest).Status);
    }

    [Fact]
    public void TrialLicenseGivesTrialThenTrialExpired()
    {
        AddLicense(Claims() with { Kind = LicenseKind.Trial, Expires = PluginFixture.T0.AddDays(7) });

        var trial = Evaluate(Manifest());
        _clock.Advance(TimeSpan.FromDays(8));
        var expired = Evaluate(Manifest());

        Assert.Equal(PluginLicenseStatus.Trial, trial.Status);
        Assert.Equal(PluginFixture.T0.AddDays(7), trial.TrialEndsAt);
        Assert.Equal(PluginLicenseStatus.TrialExpired, expired.Status);
    }

    [Fact]
    public void ClockMovedBackwardsIsClockRollback()
    {
        AddLicense(Claims() with { Expires = PluginFixture.T0.AddDays(30) });
        _clock.Advance(TimeSpan.FromDays(40));
        Assert.Equal(PluginLicenseStatus.Expired, Evaluate(Manifest()).Status);

        _clock.Now = PluginFixture.T0.AddDays(10);
        var state = Evaluate(Manifest());
        _clock.Now = PluginFixture.T0.AddDays(40).AddMinutes(-5);
        var withinTolerance = Evaluate(Manifest());

        Assert.Equal(PluginLicenseStatus.ClockRollback, state.Status);
        Assert.False(state.IsUsable);
        Assert.StartsWith("the system clock is 30 days earlier than a time already seen (2027-01-06T10:00:00Z", state.Reason, StringComparison.Ordinal);
        Assert.EndsWith("set the clock correctly", state.Reason, StringComparison.Ordinal);
        Assert.Equal(PluginLicenseStatus.Expired, withinTolerance.Status);
        Assert.Equal(PluginLicenseStatus.Free, Evaluate(Manifest(LicensingModel.Free)).Status);
    }

    [Fact]
    public void ClockFileDeleted_RollbackIsStillDetectedFromTheCopy()
    {
        AddLicense(Claims());
        _clock.Advance(TimeSpan.FromDays(40));
        Assert.Equal(PluginLicenseStatus.Licensed, Evaluate(Manifest()).Status);
        File.Delete(_store.ClockPath);

        _clock.Now = PluginFixture.T0.AddDays(10);
        var state = Evaluate(Manifest());

        Assert.Equal(PluginLicenseStatus.ClockRollback, state.Status);
        Assert.Contains($"recorded in {_store.ClockCopyPath}", state.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TrialsFileDeleted_TheTrialKeepsItsStartFromTheCopy_AndEitherRecordIsRestored()
    {
        var manifest = Manifest(LicensingModel.Trial);
        Assert.Equal(PluginLicenseStatus.Trial, Evaluate(manifest).Status);
        _clock.Advance(TimeSpan.FromDays(15));
        File.Delete(_store.TrialsPath);

        var expired = Evaluate(manifest);
        Assert.Equal(PluginLicenseStatus.TrialExpired, expired.Status);
        Assert.Contains($"recorded in {_store.TrialsCopyPath}", expired.Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(_store.TrialsPath), "the deleted trials record was not written again");

        File.Delete(_store.TrialsCopyPath);
        Assert.Equal(PluginLicenseStatus.TrialExpired, Evaluate(manifest).Status);
        var copy = JsonNode.Parse(File.ReadAllText(_store.TrialsCopyPath))!["trials"]!["ACME-REDACT"]!["started"]!.GetValue<string>();
        Assert.Equal("2026-11-27T10:00:00Z", copy);

        // A record edited to a later start does not extend the trial: the earlier of the two counts.
        File.WriteAllText(_store.TrialsPath, """{ "format": "pluginai-trials/1", "trials": { "ACME-REDACT": { "started": "2026-12-11T10:00:00Z" } } }""");
        Assert.Equal(PluginLicenseStatus.TrialExpired, Evaluate(manifest).Status);
    }

    [Fact]
    public void ClockCopyDeleted_RollbackIsStillDetectedFromClockFile_AndTheCopyIsRestored()
    {
        AddLicense(Claims());
        _clock.Advance(TimeSpan.FromDays(40));
        Evaluate(Manifest());
        File.Delete(_store.ClockCopyPath);

        _clock.Now = PluginFixture.T0.AddDays(40).AddMinutes(1);
        Assert.Equal(PluginLicenseStatus.Licensed, Evaluate(Manifest()).Status);
        File.Delete(_store.ClockPath);
        _clock.Now = PluginFixture.T0.AddDays(10);

        Assert.Equal(PluginLicenseStatus.ClockRollback, Evaluate(Manifest()).Status);
    }

    [Fact]
    public void CorruptTrialsFileIsAnErrorNamingItNotAFreshTrial()
    {
        var manifest = Manifest(LicensingModel.Trial);
        Evaluate(manifest);
        File.WriteAllText(_store.TrialsPath, "{ \"format\": \"pluginai-trials/1\", \"trials\": { \"ACME-REDACT\": { \"started\": 12 } } }");

        var ex = Assert.Throws<TrustException>(() => Evaluate(manifest));

        Assert.Contains(_store.TrialsPath, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'started'", ex.Message, StringComparison.Ordinal);
        File.WriteAllText(_store.TrialsPath, "not json");
        Assert.Contains(_store.TrialsPath, Assert.Throws<TrustException>(() => Evaluate(manifest)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptClockFileIsAnErrorNamingIt()
    {
        Directory.CreateDirectory(_store.Directory);
        File.WriteAllText(_store.ClockPath, "{ \"format\": \"pluginai-clock/1\", \"latest\": \"yesterday\" }");

        var ex = Assert.Throws<TrustException>(() => Evaluate(Manifest()));

        Assert.Contains(_store.ClockPath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingLicenseIsMissing()
    {
        var state = Evaluate(Manifest());

        Assert.Equal(PluginLicenseStatus.Missing, state.Status);
        Assert.Contains(_store.Directory, state.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreAddsListsAndRemoves()
    {
        var stored = AddLicense(Claims());
        File.WriteAllText(_store.PathOf("broken"), "{}");

        var list = _store.List();

        Assert.Equal(_store.PathOf("lic-1"), stored.Path);
        Assert.Equal(2, list.Count);
        Assert.NotNull(list.Single(l => l.Path == _store.PathOf("broken")).Error);
        Assert.True(_store.Remove("lic-1"));
        Assert.False(_store.Remove("lic-1"));
        Assert.Throws<TrustException>(() => _store.PathOf("../escape"));
    }

    [Fact]
    public void MalformedClaimsNameTheField()
    {
        var ex = Assert.Throws<TrustException>(() => LicenseClaims.Parse("{\"format\":\"pluginai-licence/1\",\"licenceId\":\"a\",\"licensee\":\"b\",\"product\":\"c\",\"issued\":\"2026-11-27T10:00:00Z\",\"kind\":\"forever\"}"u8, "x.licence.json"));

        Assert.Equal("x.licence.json: field 'kind' must be 'full' or 'trial', found 'forever'.", ex.Message);
    }

    [Fact]
    public void Review_GoodLicense_HasNoWarnings()
    {
        var claims = Claims() with { Expires = PluginFixture.T0.AddDays(30), Machine = MachineBinding.Create(ThisMachine, Product) };

        Assert.Empty(Review(claims, [Manifest(vendorKeyId: "acme-vendor")]));
    }

    [Fact]
    public void Review_ExpiredLicense_NamesTheDate()
    {
        var warning = Assert.Single(Review(Claims() with { Expires = PluginFixture.T0.AddDays(-3) }, [Manifest()]));

        Assert.StartsWith("the licence expired on 2026-11-24 (2026-11-24T10:00:00Z)", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Review_LicenseForAnotherMachine_NamesBothMachines()
    {
        var binding = MachineBinding.Create("another-machine", Product);
        var here = MachineIdentity.ComputeBindingHash(binding.Salt, ThisMachine, Product);

        var warning = Assert.Single(Review(Claims() with { Machine = binding }, [Manifest()]));

        Assert.Contains($"bound to machine {binding.Salt}:{binding.Hash}, this machine is {binding.Salt}:{here}", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Review_KeyThePluginDoesNotName_NamesTheKeys()
    {
        var warning = Assert.Single(Review(Claims(), [Manifest(vendorKeyId: "other-vendor")]));

        Assert.Contains($"signed by key {_vendor.KeyId} (acme-vendor)", warning, StringComparison.Ordinal);
        Assert.Contains("Acme.Redaction names 'other-vendor'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void SystemMachineIdentityReadsAnIdOrExplains()
    {
        try
        {
            Assert.False(string.IsNullOrWhiteSpace(MachineIdentity.System.GetMachineId()));
        }
        catch (TrustException ex)
        {
            Assert.StartsWith("Machine binding is unavailable", ex.Message, StringComparison.Ordinal);
        }
    }

    private static LicenseClaims Claims() => new()
    {
        LicenseId = "lic-1",
        Licensee = "Example Corp",
        Product = Product,
        Features = ["pro"],
        Issued = PluginFixture.T0,
    };

    private static PluginManifest Manifest(LicensingModel model = LicensingModel.Paid, string? vendorKeyId = null) => new()
    {
        Id = "Acme.Redaction",
        Version = new SemanticVersion(1, 2, 0),
        Kinds = [PluginKind.Preprocessor],
        Entry = new PluginEntryPoint("Acme.Redaction.dll", "Acme.Redaction.Plugin"),
        HostApi = VersionRange.Parse("[2.0,3.0)"),
        Licensing = model == LicensingModel.Free
            ? LicensingInfo.Free
            : new LicensingInfo { Model = model, ProductCode = Product, TrialDays = model == LicensingModel.Trial ? 14 : null, VendorKeyId = vendorKeyId },
    };

    private PluginLicense Evaluate(PluginManifest manifest) => _evaluator.Evaluate(manifest, _store, _policy, _clock.GetUtcNow());

    private IReadOnlyList<string> Review(LicenseClaims claims, IEnumerable<PluginManifest> plugins) =>
        _evaluator.Review(claims, _policy.Find(_vendor.KeyId)!, plugins, _policy, _clock.GetUtcNow());

    private string WriteLicense(LicenseClaims claims, SigningKey? key = null)
    {
        var file = _home.Combine($"{claims.LicenseId}-{Guid.NewGuid():N}.json");
        File.WriteAllBytes(file, LicenseIssuer.Issue(key ?? _vendor, claims).ToJson());
        return file;
    }

    private StoredLicense AddLicense(LicenseClaims claims, SigningKey? key = null) => _store.Add(WriteLicense(claims, key), _policy);

    private sealed class UnavailableMachine : MachineIdentity
    {
        public override string GetMachineId() => throw new TrustException("Machine binding is unavailable: no machine id in this test.");
    }
}
