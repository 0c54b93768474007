using System.Text;
using System.Text.Json.Nodes;
using PluginAI.Trust.Content;

namespace PluginAI.Trust.Tests;

public sealed class ContentVerificationTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly SigningKey _publisher = SigningKey.Create("acme-publisher", PluginFixture.T0);
    private readonly TrustPolicy _policy = new();

    public ContentVerificationTests() => _policy.Trust(_publisher, KeyRole.Publisher, PluginFixture.T0);

    private string Folder => _dir.Combine("Acme.Redaction");

    public void Dispose()
    {
        _publisher.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void KnownGoodFolderIsTrusted()
    {
        PluginFixture.WritePlugin(Folder, PluginFixture.DefaultFiles(), _publisher);

        var result = PluginContentVerifier.VerifyDirectory(Folder, _policy);

        Assert.Equal(ContentVerificationStatus.Trusted, result.Status);
        Assert.Empty(result.Problems);
        Assert.Equal(_publisher.KeyId, result.Publisher?.KeyId);
        Assert.Equal(3, result.FilesVerified);
        Assert.Equal("Acme.Redaction", result.Manifest?.Id);
        Assert.Contains("signed by acme-publisher", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void OneChangedByteIsRefusedNamingTheFileAndBothHashes()
    {
        PluginFixture.WritePlugin(Folder, PluginFixture.DefaultFiles(), _publisher);
        var dll = Path.Combine(Folder, "Acme.Redaction.dll");
        var bytes = File.ReadAllBytes(dll);
        bytes[0] ^= 1;
        File.WriteAllBytes(dll, bytes);

        var result = PluginContentVerifier.VerifyDirectory(Folder, _policy, new ContentVerificationOptions { AllowUnsigned = true });

        Assert.Equal(ContentVerificationStatus.Refused, result.Status);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("Acme.Redaction.dll", problem.Path);
        Assert.Matches("^SHA-256 is [0-9a-f]{16}…, the manifest says [0-9a-f]{16}…", problem.Message);
        Assert.Throws<TrustException>(() => result.EnsureAccepted());
    }

    [Fact]
    public void ChangedSizeIsRefused()
    {
        PluginFixture.WritePlugin(Folder, PluginFixture.DefaultFiles(), _publisher);
        File.AppendAllText(Path.Combine(Folder, "Acme.Redaction.deps.json"), " ");

        var result = PluginContentVerifier.VerifyDirectory(Folder, _policy);

        var problem = Assert.Single(result.Problems);
        Assert.Equal("Acme.Redaction.deps.json: size is 3 bytes, the manifest says 2 bytes", problem.ToString());
    }

    [Fact]
    public void ExtraFileIsRefused()
    {
        PluginFixture.WritePlugin(Folder, PluginFixture.DefaultFiles(), _publisher);
        File.WriteAllText(Path.Combine(Folder, "extra.dll"), "x");

        var result = PluginContentVerifier.VerifyDirectory(Folder, _policy);

        Assert.Equal(ContentVerificationStatus.Refused, result.Status);
        Assert.Equal("extra.dll: not listed in the manifest", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void InstallReceiptIsIgnoredWhenNamed()
    {
        PluginFixture.WritePlugin(Folder, PluginFixture.DefaultFiles(), _publisher);
        File.WriteAllText(Path.Combine(Folder, ".pluginai-install.json"), "{}");

        Assert.Equal(ContentVerificationStatus.Refused, PluginContentVerifier.VerifyDirectory(Folder, _policy).Status);
        Assert.Equal(ContentVerificationStatus.Trusted, PluginContentVerifier.VerifyDirectory(Folder, _policy, ignoredFileNames: [".pluginai-install.json"]).Status);
    }

    [Fact]
    public void RemovedFileIsRefused()
    {
        PluginFixture.WritePlugin(Folder, PluginFixture.DefaultFiles(), _publisher);
        File.Delete(Path.Combine(Folder, "Acme.Redaction.deps.json"));

        var result = PluginContentVerifier.VerifyDirectory(Folder, _policy, new ContentVerificationOptions { AllowUnsigned = true });

        Assert.Equal(ContentVerificationStatus.Refused, result.Status);
        Assert.Equal("Acme.Redaction.deps.json: listed in the manifest but missing", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void SignatureByUntrustedKeyIsRefusedUnlessAllowed()
    {
        using var stranger = SigningKey.Create("stranger");
        PluginFixture.WritePlugin(Folder, PluginFixture.DefaultFiles(), stranger);

        var refused = PluginContentVerifier.VerifyDirectory(Folder, _policy);
        var allowed = PluginContentVerifier.VerifyDirectory(Folder, _policy, new ContentVerificationOptions { AllowUnsigned = true });

        Assert.Equal(ContentVerificationStatus.Refused, refused.Status);
        Assert.Contains("not in the trust policy", Assert.Single(refused.Problems).Message, StringComparison.Ordinal);
        Assert.Equal(ContentVerificationStatus.AllowedUnverified, allowed.Status);
        Assert.StartsWith($"untrusted key {stranger.KeyId} (allowed by --allow-unsigned)", Assert.Single(allowed.Problems).Message, StringComparison.Ordinal);
        Assert.Null(allowed.Publisher);
    }

    [Fact]
    public void RevokedPublisherIsRefused()
    {
        PluginFixture.WritePlugin(Folder, PluginFixture.DefaultFiles(), _publisher);
        _policy.Revoke(_publisher.KeyId, PluginFixture.T0);

        var result = PluginContentVerifier.VerifyDirectory(Folder, _policy);

        Assert.Equal(ContentVerificationStatus.Refused, result.Status);
        Assert.Contains("revoked", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsignedIsRefusedByDefaultAndAllowedByOptionOrPolicy()
    {
        PluginFixture.WritePlugin(Folder, PluginFixture.DefaultFiles());

        var refused = PluginContentVerifier.VerifyDirectory(Folder, _policy);
        var allowed = PluginContentVerifier.VerifyDirectory(Folder, _policy, new ContentVerificationOptions { AllowUnsigned = true });
        _policy.AllowUnsigned = true;
        var byPolicy = PluginContentVerifier.VerifyDirectory(Folder, _policy);

        Assert.Equal(ContentVerificationStatus.Refused, refused.Status);
        Assert.Contains("not signed", Assert.Single(refused.Problems).Message, StringComparison.Ordinal);
        Assert.Equal(ContentVerificationStatus.AllowedUnverified, allowed.Status);
        Assert.Equal("pluginai.sig: unsigned (allowed by --allow-unsigned)", Assert.Single(allowed.Problems).ToString());
        Assert.Equal(3, allowed.FilesVerified);
        Assert.Equal(ContentVerificationStatus.AllowedUnverified, byPolicy.Status);
    }

    [Fact]
    public void SignatureThatDoesNotMatchTheManifestIsRefusedEvenWhenAllowed()
    {
        var files = PluginFixture.DefaultFiles();
        PluginFixture.WritePlugin(Folder, files, _publisher);
        var manifestPath = Path.Combine(Folder, "pluginai.json");
        File.WriteAllText(manifestPath, File.ReadAllText(manifestPath).Replace("1.2.0", "1.2.1", StringComparison.Ordinal));

        var result = PluginContentVerifier.VerifyDirectory(Folder, _policy, new ContentVerificationOptions { AllowUnsigned = true });

        Assert.Equal(ContentVerificationStatus.Refused, result.Status);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("pluginai.sig", problem.Path);
        Assert.False(problem.Allowed);
        Assert.Contains("altered", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForgedSignatureByATrustedKeyIdIsRefusedEvenWhenAllowed()
    {
        var manifestBytes = PluginFixture.WritePlugin(Folder, PluginFixture.DefaultFiles());
        var envelope = JsonNode.Parse(ManifestSigner.Sign(manifestBytes, _publisher))!.AsObject();
        var signature = Convert.FromBase64String((string)envelope["signature"]!);
        signature[10] ^= 0xFF;
        envelope["signature"] = Convert.ToBase64String(signature);
        File.WriteAllText(Path.Combine(Folder, "pluginai.sig"), envelope.ToJsonString());

        var result = PluginContentVerifier.VerifyDirectory(Folder, _policy, new ContentVerificationOptions { AllowUnsigned = true });

        Assert.Equal(ContentVerificationStatus.Refused, result.Status);
        Assert.Contains("does not match", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnvelopeOfAnotherPayloadTypeIsRefusedEvenWhenAllowed()
    {
        var manifestBytes = PluginFixture.WritePlugin(Folder, PluginFixture.DefaultFiles());
        File.WriteAllBytes(Path.Combine(Folder, "pluginai.sig"), SignedEnvelope.Sign(SignedEnvelope.LicensePayloadType, manifestBytes, _publisher).ToJson());

        var result = PluginContentVerifier.VerifyDirectory(Folder, _policy, new ContentVerificationOptions { AllowUnsigned = true });

        Assert.Equal(ContentVerificationStatus.Refused, result.Status);
        Assert.Contains(SignedEnvelope.LicensePayloadType, Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotPackedIsRefusedUnlessAllowed()
    {
        PluginFixture.WritePlugin(Folder, PluginFixture.DefaultFiles(), _publisher, pack: false);

        var refused = PluginContentVerifier.VerifyDirectory(Folder, _policy);
        var allowed = PluginContentVerifier.VerifyDirectory(Folder, _policy, new ContentVerificationOptions { AllowUnsigned = true });

        Assert.Equal(ContentVerificationStatus.Refused, refused.Status);
        Assert.Contains("not packed", Assert.Single(refused.Problems).Message, StringComparison.Ordinal);
        Assert.Equal(ContentVerificationStatus.AllowedUnverified, allowed.Status);
    }

    [Fact]
    public void VariantSubsetAcceptsOtherVariantsAbsentButNotTheChosenOne()
    {
        var variants = new JsonArray(
            new JsonObject { ["name"] = "cuda12", ["path"] = "cuda12" },
            new JsonObject { ["name"] = "rocm", ["path"] = "rocm" });
        var files = PluginFixture.DefaultFiles();
        files["cuda12/libcuda-kernels.so"] = [9, 9];
        files["rocm/libhip-kernels.so"] = [8, 8];
        PluginFixture.WritePlugin(Folder, files, _publisher, PluginFixture.Manifest(variants: variants));
        File.Delete(Path.Combine(Folder, "rocm", "libhip-kernels.so"));

        var strict = PluginContentVerifier.VerifyDirectory(Folder, _policy);
        var cuda = PluginContentVerifier.VerifyDirectory(Folder, _policy, new ContentVerificationOptions { ExpectPresent = ContentVerificationOptions.BaseAndVariant("cuda12") });
        var rocm = PluginContentVerifier.VerifyDirectory(Folder, _policy, new ContentVerificationOptions { ExpectPresent = ContentVerificationOptions.BaseAndVariant("rocm") });

        Assert.Equal("rocm/libhip-kernels.so: listed in the manifest but missing", Assert.Single(strict.Problems).ToString());
        Assert.Equal(ContentVerificationStatus.Trusted, cuda.Status);
        Assert.Equal(ContentVerificationStatus.Refused, rocm.Status);
    }

    [Fact]
    public void PackageEntriesGoThroughTheSamePathWithPluginPrefix()
    {
        var files = PluginFixture.DefaultFiles();
        var manifestBytes = PluginFixture.WritePlugin(Folder, files);
        var signature = ManifestSigner.Sign(manifestBytes, _publisher);
        files["Acme.Redaction.dll"] = Encoding.UTF8.GetBytes("MZ pretend assemblz");
        files["extra.dll"] = [1];
        var entries = files.Select(f => new PackageContentEntry(f.Key, f.Value.Length, () => new MemoryStream(f.Value)));

        var result = PluginContentVerifier.Verify(PluginContentSource.FromEntries("Acme.Redaction.1.2.0.nupkg", manifestBytes, signature, entries), _policy);

        Assert.Equal(ContentVerificationStatus.Refused, result.Status);
        Assert.Equal(["plugin/Acme.Redaction.dll", "plugin/extra.dll"], result.Problems.Select(p => p.Path));
        Assert.Equal("plugin/extra.dll: not listed in the manifest", result.Problems[1].ToString());
        Assert.Contains("Acme.Redaction.1.2.0.nupkg: refused", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateEntriesAreRefused()
    {
        var files = PluginFixture.DefaultFiles();
        var manifestBytes = PluginFixture.WritePlugin(Folder, files);
        var entries = files.Select(f => new PackageContentEntry(f.Key, f.Value.Length, () => new MemoryStream(f.Value))).ToList();
        entries.Add(new PackageContentEntry("acme.redaction.DLL", 1, () => new MemoryStream([1])));

        var result = PluginContentVerifier.Verify(PluginContentSource.FromEntries("p.nupkg", manifestBytes, ManifestSigner.Sign(manifestBytes, _publisher), entries), _policy);

        Assert.Equal(ContentVerificationStatus.Refused, result.Status);
        Assert.Contains("appears more than once", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ManyFilesAreHashedInParallel()
    {
        var files = PluginFixture.DefaultFiles();
        for (var i = 0; i < 32; i++)
        {
            files[$"lib/f{i}.bin"] = Enumerable.Range(0, 4096).Select(b => (byte)(b * i)).ToArray();
        }

        PluginFixture.WritePlugin(Folder, files, _publisher);

        var result = PluginContentVerifier.VerifyDirectory(Folder, _policy, new ContentVerificationOptions { ParallelThresholdBytes = 0, MaxDegreeOfParallelism = 4 });

        Assert.Equal(ContentVerificationStatus.Trusted, result.Status);
        Assert.Equal(35, result.FilesVerified);
    }

    [Fact]
    public void ManifestSignerRefusesPublicOnlyKey()
    {
        using var publicOnly = SigningKey.FromPublicKey("pub", _publisher.PublicKey);

        Assert.Throws<TrustException>(() => ManifestSigner.Sign("{}"u8, publicOnly));
    }
}
