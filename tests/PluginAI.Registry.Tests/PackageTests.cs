using System.IO.Compression;
using PluginAI.Manifest;
using PluginAI.Trust;
using PluginAI.Trust.Content;

namespace PluginAI.Registry.Tests;

public sealed class PackageTests : IDisposable
{
    private readonly RegistryFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Pack_writes_the_registry_layout_with_hashes_and_a_signature()
    {
        var path = await _f.PublishAsync("Acme.Tagger", "1.2.0", cuda: true);

        Assert.Equal("Acme.Tagger.1.2.0.nupkg", Path.GetFileName(path));
        using var reader = PluginPackageReader.Open(path);
        Assert.Equal("Acme.Tagger", reader.Identity.Id);
        Assert.Contains("pluginai-plugin", reader.Tags);
        Assert.Contains("pluginai-postprocessor", reader.Tags);
        Assert.NotNull(reader.SignatureBytes);
        Assert.Empty(reader.ExtraEntries);
        var files = reader.Manifest.Files.Select(f => f.Path).ToList();
        Assert.Equal(["Acme.Tagger.dll", "Acme.Tagger.pdb", "cuda12/Acme.Tagger.dll", "runtimes/native lib.so"], files);
        Assert.All(reader.Manifest.Files, f => Assert.Matches("^[0-9a-f]{64}$", f.Sha256));
        var verification = reader.Verify(_f.Policy);
        Assert.Equal(ContentVerificationStatus.Trusted, verification.Status);
        Assert.Equal(4, verification.FilesVerified);
    }

    [Fact]
    public async Task Pack_with_contributors_records_them_in_the_packed_manifest_and_leaves_the_folder_alone()
    {
        var folder = _f.MakePluginFolder("Acme.Credited", "1.0.0");
        var before = File.ReadAllText(Path.Combine(folder, PluginManifest.FileName));
        var section = new ContributorsSection { Entries = [new ContributorEntry { Id = "ada@example.org", Name = "Ada", CodeCommits = 3, Share = 1 }] };

        var result = await PluginPackageBuilder.BuildAsync(folder, Path.Combine(_f.Root, "out") + Path.DirectorySeparatorChar, _f.Key, section);

        using var reader = PluginPackageReader.Open(result.PackagePath);
        var entry = Assert.Single(reader.Manifest.Contributors!.Entries);
        Assert.Equal(("ada@example.org", 3), (entry.Id, entry.CodeCommits));
        Assert.Equal(ContentVerificationStatus.Trusted, reader.Verify(_f.Policy).Status);
        Assert.Equal(before, File.ReadAllText(Path.Combine(folder, PluginManifest.FileName)));
        Assert.DoesNotContain(PluginManifest.FileName, reader.Manifest.Files.Select(f => f.Path));
    }

    [Fact]
    public async Task A_changed_byte_an_extra_entry_or_a_removed_entry_is_refused()
    {
        var good = await _f.PublishAsync("Acme.Tagger", "1.0.0");
        string Variant(string name, Action<ZipArchive> edit)
        {
            var copy = Path.Combine(_f.Root, name + ".nupkg");
            File.Copy(good, copy);
            RegistryFixture.EditPackage(copy, edit);
            return copy;
        }

        var changed = Variant("changed", zip => RegistryFixture.ReplaceEntry(zip, "plugin/Acme.Tagger.dll", b => { b[0] ^= 1; return b; }));
        var extra = Variant("extra", zip => RegistryFixture.AddEntry(zip, "plugin/evil.dll", "evil"));
        var removed = Variant("removed", zip => zip.GetEntry("plugin/Acme.Tagger.pdb")!.Delete());
        var extraRoot = Variant("extra-root", zip => RegistryFixture.AddEntry(zip, "tools/install.ps1", "evil"));

        using (var reader = PluginPackageReader.Open(changed))
        {
            var result = reader.Verify(_f.Policy);
            Assert.False(result.IsAccepted);
            Assert.Contains(result.Problems, p => p.Path == "plugin/Acme.Tagger.dll" && p.Message.Contains("SHA-256", StringComparison.Ordinal));
        }

        using (var reader = PluginPackageReader.Open(extra))
        {
            Assert.Contains(reader.Verify(_f.Policy).Problems, p => p.Path == "plugin/evil.dll" && p.Message.Contains("not listed", StringComparison.Ordinal));
        }

        using (var reader = PluginPackageReader.Open(removed))
        {
            Assert.Contains(reader.Verify(_f.Policy).Problems, p => p.Path == "plugin/Acme.Tagger.pdb" && p.Message.Contains("missing", StringComparison.Ordinal));
        }

        using (var reader = PluginPackageReader.Open(extraRoot))
        {
            var ex = Assert.Throws<PackageContentException>(() => reader.Verify(_f.Policy));
            Assert.Contains("tools/install.ps1", ex.Message, StringComparison.Ordinal);
        }

        await Assert.ThrowsAsync<TrustException>(() => _f.Installer.InstallPackageFileAsync(changed, RegistryFixture.CpuOnly()));
        Assert.Empty(_f.Installer.List());
    }

    [Fact]
    public async Task Unsigned_and_untrusted_packages_are_refused_unless_allowed()
    {
        var unsigned = await _f.PublishAsync("Acme.Unsigned", "1.0.0", sign: false);
        using var stranger = SigningKey.Create("stranger");
        var untrusted = await _f.PublishAsync("Acme.Untrusted", "1.0.0", key: stranger);

        var ex = await Assert.ThrowsAsync<TrustException>(() => _f.Installer.InstallPackageFileAsync(unsigned, RegistryFixture.CpuOnly()));
        Assert.True(ex.Message.Contains("not signed", StringComparison.Ordinal), ex.Message);
        ex = await Assert.ThrowsAsync<TrustException>(() => _f.Installer.InstallPackageFileAsync(untrusted, RegistryFixture.CpuOnly()));
        Assert.Contains(stranger.KeyId, ex.Message, StringComparison.Ordinal);

        var lenient = new PluginInstaller(new PluginAIPaths(_f.Home), _f.Client, new PluginInstallerOptions { AllowUnsigned = true });
        var result = await lenient.InstallPackageFileAsync(unsigned, RegistryFixture.CpuOnly());
        Assert.Equal(ContentVerificationStatus.AllowedUnverified, result.Verification.Status);
        Assert.Null(result.Plugin.PublisherKeyId);
        Assert.Equal("1.0.0", result.Plugin.Version);
    }

    [Fact]
    public async Task Signing_a_packed_package_adds_the_signature_and_refuses_a_mismatched_one()
    {
        var unsigned = await _f.PublishAsync("Acme.Later", "1.0.0", sign: false);
        Assert.Equal(_f.Key.KeyId, PluginPackageSigner.Sign(unsigned, _f.Key));
        using (var reader = PluginPackageReader.Open(unsigned))
        {
            Assert.Equal(ContentVerificationStatus.Trusted, reader.Verify(_f.Policy).Status);
        }

        // Signing again replaces the signature rather than adding a second one.
        PluginPackageSigner.Sign(unsigned, _f.Key);
        using (var zip = ZipFile.OpenRead(unsigned))
        {
            Assert.Single(zip.Entries, e => e.FullName == "pluginai.sig");
        }

        RegistryFixture.EditPackage(unsigned, zip => RegistryFixture.ReplaceEntry(zip, "plugin/Acme.Later.dll", b => [.. b, 1]));
        var ex = Assert.Throws<PackageContentException>(() => PluginPackageSigner.Sign(unsigned, _f.Key));
        Assert.Contains("plugin/Acme.Later.dll", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plugin/../../evil.dll", "'..'")]
    [InlineData("/etc/evil", "absolute")]
    [InlineData("C:/Windows/evil.dll", "drive letter")]
    [InlineData("plugin/ACME.TAGGER.DLL", "same file")]
    public async Task Unsafe_entry_names_are_refused_before_anything_is_extracted(string entry, string reason)
    {
        var package = await _f.PublishAsync("Acme.Tagger", "1.0.0");
        RegistryFixture.EditPackage(package, zip => RegistryFixture.AddEntry(zip, entry, "evil"));

        var ex = Assert.Throws<PackageContentException>(() => PluginPackageReader.Open(package));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<PackageContentException>(() => _f.Installer.InstallPackageFileAsync(package, RegistryFixture.CpuOnly()));
        Assert.False(File.Exists(Path.Combine(_f.Root, "evil.dll")));
    }

    [Fact]
    public async Task A_symbolic_link_entry_is_refused()
    {
        var package = await _f.PublishAsync("Acme.Tagger", "1.0.0");
        RegistryFixture.EditPackage(package, zip => RegistryFixture.AddEntry(zip, "plugin/link.dll", "/etc/passwd", unixMode: 0xA1FF));

        var ex = Assert.Throws<PackageContentException>(() => PluginPackageReader.Open(package));
        Assert.Contains("symbolic link", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zip_bomb_is_refused_by_its_compression_ratio_and_by_its_declared_size()
    {
        var package = await _f.PublishAsync("Acme.Tagger", "1.0.0");
        RegistryFixture.EditPackage(package, zip =>
        {
            zip.GetEntry("plugin/Acme.Tagger.dll")!.Delete();
            using var stream = zip.CreateEntry("plugin/Acme.Tagger.dll", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 100; i++)
            {
                stream.Write(zeros);
            }
        });
        Assert.True(new FileInfo(package).Length < 2 * 1024 * 1024);

        var ex = Assert.Throws<PackageContentException>(() => PluginPackageReader.Open(package));
        Assert.Contains("zip bomb", ex.Message, StringComparison.Ordinal);

        // With the ratio check out of the way, the manifest's small declared size still stops extraction at once.
        var lenient = ExtractionLimits.Default with { MaxCompressionRatio = 1_000_000, MaxTotalCompressionRatio = 1_000_000 };
        using var reader = PluginPackageReader.Open(package, lenient);
        var target = Path.Combine(_f.Root, "out");
        var extract = Assert.Throws<PackageContentException>(() => SafePackageExtractor.Extract(reader, target));
        Assert.Contains("more than", extract.Message, StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(target, "Acme.Tagger.dll")).Length < 1024 * 1024);

        var total = ExtractionLimits.Default with { MaxTotalBytes = 50L * 1024 * 1024 };
        Assert.Throws<PackageContentException>(() => PluginPackageReader.Open(package, total));
    }

    [Fact]
    public async Task Three_hundred_entries_of_one_MiB_of_zeros_are_refused_by_the_whole_package_budget()
    {
        await _f.PublishAsync("Acme.Tagger", "1.0.0");
        await _f.Installer.InstallAsync("Acme.Tagger", null, RegistryFixture.CpuOnly());
        var package = await _f.PublishAsync("Acme.Tagger", "1.1.0");
        RegistryFixture.EditPackage(package, zip =>
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 300; i++)
            {
                using var stream = zip.CreateEntry($"plugin/data/zeros{i:000}.bin", CompressionLevel.SmallestSize).Open();
                stream.Write(zeros);
            }
        });
        Assert.True(new FileInfo(package).Length < 2 * 1024 * 1024);

        var ex = Assert.Throws<PackageContentException>(() => PluginPackageReader.Open(package));
        Assert.Contains($"{Path.GetFileName(package)}: the package's entries expand from ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("beyond the 200:1 compression limit for a whole package; refused as a zip bomb", ex.Message, StringComparison.Ordinal);

        // The feed's copy is skipped with the same reason, and the installed version stays.
        var update = await _f.Installer.UpdateAsync("Acme.Tagger", RegistryFixture.CpuOnly());
        Assert.False(update.Updated);
        Assert.Contains(update.Explanation, line => line.Contains($"skipped {package}: ", StringComparison.Ordinal) && line.Contains("compression limit for a whole package", StringComparison.Ordinal));
        var byPath = await Assert.ThrowsAsync<PackageContentException>(() => _f.Installer.InstallPackageFileAsync(package, RegistryFixture.CpuOnly()));
        Assert.Contains("compression limit for a whole package", byPath.Message, StringComparison.Ordinal);
        Assert.Equal("1.0.0", Assert.Single(_f.Installer.List()).Version);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_f.Plugins, ".staging")));
    }

    [Fact]
    public async Task Extraction_takes_the_base_files_and_only_the_chosen_variant()
    {
        var package = await _f.PublishAsync("Acme.Llama", "1.0.0", cuda: true);
        using var reader = PluginPackageReader.Open(package);

        var cpu = SafePackageExtractor.Extract(reader, Path.Combine(_f.Root, "cpu"));
        var gpu = SafePackageExtractor.Extract(reader, Path.Combine(_f.Root, "gpu"), "cuda12");

        Assert.DoesNotContain("cuda12/Acme.Llama.dll", cpu.Files);
        Assert.Contains("cuda12/Acme.Llama.dll", gpu.Files);
        Assert.True(File.Exists(Path.Combine(_f.Root, "cpu", "runtimes", "native lib.so")));
        Assert.True(File.Exists(Path.Combine(_f.Root, "gpu", "pluginai.sig")));
        Assert.Equal(ContentVerificationStatus.Trusted, PluginContentVerifier.VerifyDirectory(Path.Combine(_f.Root, "gpu"), _f.Policy, new ContentVerificationOptions { ExpectPresent = ContentVerificationOptions.BaseAndVariant("cuda12") }).Status);
    }

    [Fact]
    public void Path_rules_refuse_what_could_escape_the_folder()
    {
        Assert.Null(PluginPackageLayout.FindPathProblem("plugin/a/b.dll"));
        Assert.NotNull(PluginPackageLayout.FindPathProblem("plugin/a/../../b.dll"));
        Assert.NotNull(PluginPackageLayout.FindPathProblem("\\\\server/share".Replace('\\', '/')));
        Assert.NotNull(PluginPackageLayout.FindPathProblem("plugin/a.dll:stream"));
        Assert.Equal("plugin/native lib.so", PluginPackageLayout.NormalizeEntryName("plugin/native%20lib.so"));
        Assert.Equal("plugin/../x", PluginPackageLayout.NormalizeEntryName("plugin\\..%2Fx"));
    }

    [Fact]
    public async Task A_manifest_whose_id_differs_from_the_nuspec_is_refused()
    {
        var package = await _f.PublishAsync("Acme.Tagger", "1.0.0");
        RegistryFixture.EditPackage(package, zip => RegistryFixture.ReplaceEntry(zip, PluginManifest.FileName, b => System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(b).Replace("\"Acme.Tagger\"", "\"Acme.Other\"", StringComparison.Ordinal))));
        var ex = Assert.Throws<PackageContentException>(() => PluginPackageReader.Open(package));
        Assert.Contains("field 'id'", ex.Message, StringComparison.Ordinal);
    }
}
