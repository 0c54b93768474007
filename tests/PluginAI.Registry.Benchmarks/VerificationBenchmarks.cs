using System.IO.Compression;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using PluginAI.Trust;
using PluginAI.Trust.Content;
using PluginAI.Trust.Index;

namespace PluginAI.Registry.Benchmarks;

/// <summary>
/// What verifying one package of typical size costs against hashing the same bytes: the baseline hashes the plugin's
/// files (the bytes the verifier hashes) with SHA-256 from memory; the verifier adds parsing the manifest, checking the
/// publisher signature and comparing every hash and size. Reading the package from disk adds decompression, and the
/// index check hashes the compressed package once more.
/// </summary>
[MemoryDiagnoser]
public class VerificationBenchmarks
{
    private readonly List<(string Path, byte[] Bytes)> _files = [];
    private string _package = string.Empty;
    private byte[] _packageBytes = [];
    private byte[] _manifest = [];
    private byte[] _signature = [];
    private TrustPolicy _policy = null!;
    private RegistryIndex _index = null!;

    [GlobalSetup]
    public void Setup()
    {
        var registry = BenchRegistry.Instance;
        _policy = registry.Policy;

        // The package whose size is the median of the registry's.
        var packages = Directory.EnumerateFiles(registry.PackagesDirectory, "*.nupkg", SearchOption.AllDirectories)
            .Select(p => new FileInfo(p)).OrderBy(f => f.Length).ToList();
        _package = packages[packages.Count / 2].FullName;
        _packageBytes = File.ReadAllBytes(_package);
        using (var zip = ZipFile.OpenRead(_package))
        {
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                switch (PluginPackageLayout.NormalizeEntryName(entry.FullName))
                {
                    case PluginPackageLayout.ManifestEntry:
                        _manifest = buffer.ToArray();
                        break;
                    case PluginPackageLayout.SignatureEntry:
                        _signature = buffer.ToArray();
                        break;
                    case var name when name.StartsWith(PluginPackageLayout.PluginFolder, StringComparison.Ordinal):
                        _files.Add((name[PluginPackageLayout.PluginFolder.Length..], buffer.ToArray()));
                        break;
                }
            }
        }

        using (var reader = PluginPackageReader.Open(_package))
        {
            _index = new RegistryIndex
            {
                Registry = "bench",
                Version = 1,
                Issued = DateTimeOffset.UtcNow,
                Expires = DateTimeOffset.UtcNow.AddDays(1),
                Packages = [new RegistryIndexEntry(reader.Identity.Id, reader.Identity.Version.ToNormalizedString(), Convert.ToHexStringLower(SHA256.HashData(_packageBytes)))],
            };
        }

        Console.WriteLine($"// package {Path.GetFileName(_package)}: {_packageBytes.Length / 1024.0:F0} KB packed, {_files.Count} files, {_files.Sum(f => f.Bytes.Length) / 1024.0:F0} KB unpacked");
        if (VerifyContent().Status != ContentVerificationStatus.Trusted || VerifyPackageFile().Status != ContentVerificationStatus.Trusted)
        {
            throw new InvalidOperationException("the benchmark package does not verify");
        }
    }

    /// <summary>SHA-256 of each plugin file, from memory.</summary>
    [Benchmark(Baseline = true)]
    public int Sha256OfFiles()
    {
        var total = 0;
        Span<byte> hash = stackalloc byte[32];
        foreach (var (_, bytes) in _files)
        {
            SHA256.HashData(bytes, hash);
            total += hash[0];
        }

        return total;
    }

    /// <summary><see cref="PluginContentVerifier"/> over the same files from memory: manifest, publisher signature, every hash and size.</summary>
    [Benchmark]
    public ContentVerificationResult VerifyContent() =>
        PluginContentVerifier.Verify(
            PluginContentSource.FromEntries("bench", _manifest, _signature, _files.Select(f => new PackageContentEntry(f.Path, f.Bytes.Length, () => new MemoryStream(f.Bytes, writable: false)))),
            _policy,
            ContentVerificationOptions.Default with { ParallelThresholdBytes = long.MaxValue, MaxDegreeOfParallelism = 1 });

    /// <summary>The publisher signature alone: parse <c>pluginai.sig</c> and verify it with the trusted key.</summary>
    [Benchmark]
    public TrustedKey SignatureOnly() =>
        SignedEnvelope.Parse(_signature, "bench").Verify(_policy, SignedEnvelope.ManifestPayloadType, KeyRole.Publisher, "bench");

    /// <summary>What an install does: open the .nupkg from disk (layout and zip-bomb checks) and verify it, decompressing each file.</summary>
    [Benchmark]
    public ContentVerificationResult VerifyPackageFile()
    {
        using var reader = PluginPackageReader.Open(_package);
        return reader.Verify(_policy);
    }

    /// <summary>The signed index's check of the downloaded package: SHA-256 of the .nupkg from memory.</summary>
    [Benchmark]
    public RegistryIndexEntry IndexHashCheck()
    {
        using var stream = new MemoryStream(_packageBytes, writable: false);
        return _index.VerifyPackage(_index.Packages[0].Id, _index.Packages[0].Version, stream, "bench");
    }
}
