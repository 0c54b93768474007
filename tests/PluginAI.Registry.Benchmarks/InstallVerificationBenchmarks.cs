using BenchmarkDotNet.Attributes;
using PluginAI.Trust;

namespace PluginAI.Registry.Benchmarks;

/// <summary>
/// The verify-and-extract step of an install, side by side: verifying every file and then extracting it (which hashes
/// each file again as it writes it), against verifying the signature and manifest only and letting extraction hash each
/// file once. Both extract the largest package of the benchmark registry into a fresh folder, flushed to disk.
/// </summary>
[MemoryDiagnoser]
public class InstallVerificationBenchmarks
{
    private string _package = string.Empty;
    private string _scratch = string.Empty;
    private TrustPolicy _policy = null!;

    [GlobalSetup]
    public void Setup()
    {
        var registry = BenchRegistry.Instance;
        _policy = registry.Policy;
        _package = Directory.EnumerateFiles(registry.PackagesDirectory, "*.nupkg", SearchOption.AllDirectories)
            .Select(p => new FileInfo(p)).OrderByDescending(f => f.Length).First().FullName;
        _scratch = Path.Combine(Path.GetTempPath(), "pluginai-bench-extract", Guid.NewGuid().ToString("N"));
        Console.WriteLine($"// package {Path.GetFileName(_package)}: {new FileInfo(_package).Length / 1024.0:F0} KB packed");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    /// <summary>Every file hashed by the verifier, then hashed again while it is extracted.</summary>
    [Benchmark(Baseline = true)]
    public int VerifyFilesThenExtract() => Run(hashFiles: true);

    /// <summary>Signature and manifest verified; every file hashed once, while it is extracted (what installs do).</summary>
    [Benchmark]
    public int VerifySignatureThenExtract() => Run(hashFiles: false);

    private int Run(bool hashFiles)
    {
        var target = Path.Combine(_scratch, Guid.NewGuid().ToString("N"));
        try
        {
            using var reader = PluginPackageReader.Open(_package);
            reader.Verify(_policy, allowUnsigned: false, hashFiles).EnsureAccepted();
            return SafePackageExtractor.Extract(reader, target).Files.Count;
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }
}
