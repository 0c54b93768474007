using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using PluginAI.Backends;
using PluginAI.Backends.Onnx;
using PluginAI.Backends.Onnx.Tests;

// Embeds the fixed test sentences with the built-in all-MiniLM-L6-v2 through the CUDA execution provider and through
// the CPU, prints the cosine of each pair, and proves from ONNX Runtime's profiler which provider ran the nodes.
// Exit code: 0 pass, 1 a cosine below the threshold, 2 CUDA did not run.
const float Threshold = 0.999f;
var cache = args.Length == 2 && args[0] == "--cache" ? args[1] : Path.Combine(Path.GetTempPath(), "pluginai-onnx-gpu-check");
Directory.CreateDirectory(cache);
var profilePrefix = Path.Combine(cache, "cuda-profile");
foreach (var old in Directory.GetFiles(cache, "cuda-profile*.json"))
{
    File.Delete(old);
}

Console.WriteLine($"onnxruntime {OrtEnv.Instance().GetVersionString()}, providers in this build: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())}");
Console.WriteLine($"cache folder: {cache}");

var sentences = FixedSentences.All.ToArray();
float[][] cpu;
await using (var model = await LoadAsync("cpu", profilePathPrefix: null))
{
    cpu = await EmbedAsync(model, "cpu");
}

float[][] cuda;
string cudaDevice;
await using (var model = await LoadAsync("cuda", profilePrefix))
{
    cudaDevice = model.Metadata.Plan?.Device ?? "?";
    Console.WriteLine($"cuda request -> device '{cudaDevice}': {model.Metadata.Plan?.Reasons["Device"]}");
    cuda = await EmbedAsync(model, "cuda");
}

var failures = 0;
Console.WriteLine();
Console.WriteLine("cosine(cuda, cpu)       sentence");
for (var i = 0; i < sentences.Length; i++)
{
    var cosine = TensorPrimitives.CosineSimilarity(cuda[i], cpu[i]);
    var ok = cosine >= Threshold;
    failures += ok ? 0 : 1;
    var shown = sentences[i].ReplaceLineEndings(" ").Replace('\t', ' ');
    Console.WriteLine($"{cosine.ToString("F6", CultureInfo.InvariantCulture)} {(ok ? "ok  " : "FAIL")}  {shown[..Math.Min(60, shown.Length)]}");
}

// The session writes its profile when it is released; every executed node is listed with the provider that ran it.
var nodesPerProvider = new SortedDictionary<string, int>(StringComparer.Ordinal);
foreach (var file in Directory.GetFiles(cache, "cuda-profile*.json"))
{
    using var profile = JsonDocument.Parse(File.ReadAllBytes(file));
    foreach (var entry in profile.RootElement.EnumerateArray())
    {
        if (entry.TryGetProperty("cat", out var category) && category.GetString() == "Node" &&
            entry.TryGetProperty("args", out var details) && details.TryGetProperty("provider", out var provider))
        {
            var name = provider.GetString() ?? "?";
            nodesPerProvider[name] = nodesPerProvider.GetValueOrDefault(name) + 1;
        }
    }
}

Console.WriteLine();
Console.WriteLine($"node runs per provider in the cuda session (ONNX Runtime profiler): {(nodesPerProvider.Count == 0 ? "no profile found" : string.Join(", ", nodesPerProvider.Select(pair => $"{pair.Key}={pair.Value}")))}");
var cudaRan = cudaDevice == "cuda" && nodesPerProvider.GetValueOrDefault("CUDAExecutionProvider") > 0;
Console.WriteLine($"provider that ran: {(cudaRan ? "CUDAExecutionProvider" : "NOT CUDA (" + cudaDevice + ")")}");
Console.WriteLine($"result: {(failures == 0 && cudaRan ? "PASS" : "FAIL")} ({sentences.Length - failures}/{sentences.Length} sentences with cosine >= {Threshold.ToString(CultureInfo.InvariantCulture)})");
return !cudaRan ? 2 : failures == 0 ? 0 : 1;

async Task<ILoadedModel> LoadAsync(string device, string? profilePathPrefix)
{
    var backend = new OnnxEmbeddingBackend(new OnnxBackendOptions { DataDirectory = cache, ProfilePathPrefix = profilePathPrefix }, NullLoggerFactory.Instance);
    var stopwatch = Stopwatch.StartNew();
    var model = await backend.LoadModelAsync(new ModelLoadRequest
    {
        ModelPath = "all-MiniLM-L6-v2",
        Plan = new DevicePlan { Threads = Environment.ProcessorCount, ContextSize = 256, Device = device },
    });
    Console.WriteLine($"{device}: loaded in {stopwatch.ElapsedMilliseconds} ms on '{model.Metadata.Plan?.Device}'");
    return model;
}

async Task<float[][]> EmbedAsync(ILoadedModel model, string label)
{
    var embeddings = await model.EmbeddingGenerator!.GenerateAsync(sentences);
    var stopwatch = Stopwatch.StartNew();
    const int Repeats = 20;
    for (var i = 0; i < Repeats; i++)
    {
        await model.EmbeddingGenerator.GenerateAsync(sentences);
    }

    var perSecond = Repeats * sentences.Length / stopwatch.Elapsed.TotalSeconds;
    Console.WriteLine($"{label}: {perSecond.ToString("F0", CultureInfo.InvariantCulture)} sentences/s on the fixed set (after one warm-up pass)");
    return [.. embeddings.Select(embedding => embedding.Vector.ToArray())];
}
