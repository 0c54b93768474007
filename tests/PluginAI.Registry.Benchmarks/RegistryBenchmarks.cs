using BenchmarkDotNet.Attributes;
using PluginAI.Manifest;
using PluginAI.Trust;

namespace PluginAI.Registry.Benchmarks;

/// <summary>
/// <c>pluginai plugins search</c> and <c>pluginai install</c> against the local registry of 1,000 packages, each
/// invocation with a fresh <see cref="RegistryClient"/> as a command would make. Search asks the server's PluginAI
/// search, then reads each result's manifest (up to 100) to check it against this machine. Install resolves the newest
/// version, reads and accepts the signed index, downloads the package, checks its SHA-256 against the index, verifies the
/// publisher signature and every file, extracts it and switches <c>current</c>.
/// </summary>
[MemoryDiagnoser]
public class RegistryBenchmarks
{
    private string _home = string.Empty;
    private PluginAIPaths _paths = null!;

    [GlobalSetup]
    public void Setup()
    {
        _home = BenchRegistry.Instance.CreateHome();
        _paths = new PluginAIPaths(_home);
        var check = Client().SearchAsync("ocr", null, false, false, BenchRegistry.Cpu).GetAwaiter().GetResult();
        if (check.Results.Count != BenchRegistry.Plugins / BenchRegistry.Topics.Length || check.Warnings.Count > 0)
        {
            throw new InvalidOperationException($"search for 'ocr' found {check.Results.Count} plugins: {string.Join("; ", check.Warnings)}");
        }
    }

    /// <summary>One word: 25 plugins match; their 25 manifests are read.</summary>
    [Benchmark(Baseline = true)]
    public Task<PluginSearchResponse> SearchByTerm() => Client().SearchAsync("ocr", null, compatibleOnly: false, certifiedOnly: false, BenchRegistry.Cpu);

    /// <summary>A kind: 125 plugins match; the first 100 are returned and their manifests read.</summary>
    [Benchmark]
    public Task<PluginSearchResponse> SearchByKind() => Client().SearchAsync(null, PluginKind.Retriever, compatibleOnly: false, certifiedOnly: false, BenchRegistry.Cpu);

    /// <summary>Versions and both manifests of one plugin, and the choice.</summary>
    [Benchmark]
    public Task<PluginResolution> Resolve() => PluginResolver.ResolveAsync(Client(), BenchRegistry.Id(123), null, BenchRegistry.Cpu);

    /// <summary>Resolve, signed index, download, index hash check, content verification, extraction and the atomic switch.</summary>
    [Benchmark]
    public Task<InstallResult> Install() => new PluginInstaller(_paths, Client()).InstallAsync(BenchRegistry.Id(123), null, BenchRegistry.Cpu);

    private RegistryClient Client() => new(PackageSourceSettings.Load(_home), new PackageManifestCache());
}
