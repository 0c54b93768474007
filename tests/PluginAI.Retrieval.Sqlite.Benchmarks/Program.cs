using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;
using PluginAI.Retrieval.Sqlite.Internal;

namespace PluginAI.Retrieval.Sqlite.Benchmarks;

/// <summary>
/// Measures, in one run: memory read bandwidth; exact and HNSW query latency at 10k and 100k vectors; recall@10 of
/// HNSW against exact; and hnswlib (Debian's python3-hnswlib) over the same vectors with the same parameters.
/// </summary>
internal static class Program
{
    private const int Dimensions = 384;
    private const int K = 10;
    private const int Queries = 300;
    private const int M = 16;
    private const int EfConstruction = 128;
    private static readonly int[] s_efs = [16, 32, 64, 128];
    private static double s_spread;

    public static int Main(string[] args)
    {
        var sizes = args.Length > 0 ? args[0].Split(',').Select(int.Parse).ToArray() : [10_000, 100_000];
        var python = args.Length > 1 ? args[1] : "/usr/bin/python3";
        s_spread = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0.03;
        Console.WriteLine($"cores {Environment.ProcessorCount}, {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.FrameworkDescription}, AVX-512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");

        var bandwidth = MeasureReadBandwidth();
        Console.WriteLine($"memory read bandwidth (TensorPrimitives.Sum over 1 GiB, {Environment.ProcessorCount} threads, best of 5): {bandwidth / 1e9:F2} GB/s");

        foreach (var size in sizes)
        {
            RunSize(size, bandwidth, python);
        }

        return 0;
    }

    private static void RunSize(int count, double bandwidth, string python)
    {
        Console.WriteLine();
        Console.WriteLine($"== {count:N0} vectors x {Dimensions} dimensions (clustered: 1000 centres, noise {s_spread} per dimension), {Queries} queries, k = {K}");
        var random = new Random(1234);
        var centres = Enumerable.Range(0, 1000).Select(_ => RandomUnit(random)).ToArray();
        var vectors = new float[(long)count * Dimensions];
        for (var i = 0; i < count; i++)
        {
            Clustered(random, centres, vectors.AsSpan(i * Dimensions, Dimensions));
        }

        var queries = new float[Queries * Dimensions];
        for (var q = 0; q < Queries; q++)
        {
            Clustered(random, centres, queries.AsSpan(q * Dimensions, Dimensions));
        }

        var arena = new VectorArena(Dimensions, count);
        for (var i = 0; i < count; i++)
        {
            arena.Add(i, 0, vectors.AsSpan(i * Dimensions, Dimensions));
        }

        // Exact search: the ground truth, and its latency.
        var truth = new long[Queries * K];
        for (var q = 0; q < 20; q++)
        {
            arena.Search(queries.AsSpan(q * Dimensions, Dimensions), K, null);
        }

        var exactLatencies = new double[Queries];
        for (var q = 0; q < Queries; q++)
        {
            var start = Stopwatch.GetTimestamp();
            var hits = arena.Search(queries.AsSpan(q * Dimensions, Dimensions), K, null);
            exactLatencies[q] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            for (var i = 0; i < K; i++)
            {
                truth[(q * K) + i] = arena.RowIdAt(hits[i].Slot);
            }
        }

        Array.Sort(exactLatencies);
        var exactP50 = exactLatencies[Queries / 2];
        var exactBytesPerSecond = (double)count * Dimensions * sizeof(float) / (exactLatencies.Average() / 1e6);
        Console.WriteLine(FormattableString.Invariant(
            $"exact:   p50 {exactP50,8:F0} us  p99 {exactLatencies[(int)(Queries * 0.99)],8:F0} us  mean {exactLatencies.Average(),8:F0} us  scan {exactBytesPerSecond / 1e9:F2} GB/s = {exactBytesPerSecond / bandwidth:P0} of bandwidth"));

        // HNSW through the same wrapper the knowledge base uses.
        var build = Stopwatch.StartNew();
        using var index = HnswIndex.Create(Dimensions, new HnswParameters(M, EfConstruction, 64), count);
        Parallel.For(0, count, i => index.Add(i, vectors.AsSpan(i * Dimensions, Dimensions)));
        Console.WriteLine(FormattableString.Invariant($"usearch build (M {M}, ef_construction {EfConstruction}, {Environment.ProcessorCount} threads): {build.Elapsed.TotalSeconds:F1} s"));

        var ours = new List<(int Ef, double Recall, double P50, double P99)>();
        var path = Path.Combine(Path.GetTempPath(), $"pluginai-bench-{count}.usearch");
        index.Save(path);
        foreach (var ef in s_efs)
        {
            using var tuned = HnswIndex.Load(path, Dimensions, new HnswParameters(M, EfConstruction, ef));
            var keys = new long[K];
            var scores = new float[K];
            for (var q = 0; q < 20; q++)
            {
                tuned.Search(queries.AsSpan(q * Dimensions, Dimensions), keys, scores, null);
            }

            var latencies = new double[Queries];
            var found = 0;
            for (var q = 0; q < Queries; q++)
            {
                var start = Stopwatch.GetTimestamp();
                var n = tuned.Search(queries.AsSpan(q * Dimensions, Dimensions), keys, scores, null);
                latencies[q] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                var expected = truth.AsSpan(q * K, K);
                for (var i = 0; i < n; i++)
                {
                    found += expected.Contains(keys[i]) ? 1 : 0;
                }
            }

            Array.Sort(latencies);
            var row = (ef, found / (double)(K * Queries), latencies[Queries / 2], latencies[(int)(Queries * 0.99)]);
            ours.Add(row);
            Console.WriteLine(FormattableString.Invariant(
                $"usearch ef {ef,4}: recall@10 {row.Item2:F3}  p50 {row.Item3,7:F1} us  p99 {row.Item4,7:F1} us  speed-up vs exact p50 {exactP50 / row.Item3,6:F1}x"));
        }

        File.Delete(path);
        RunHnswlib(python, vectors, queries, truth, count, ours, exactP50);
    }

    private static void RunHnswlib(string python, float[] vectors, float[] queries, long[] truth, int count, List<(int Ef, double Recall, double P50, double P99)> ours, double exactP50)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"pluginai-bench-{count}");
        Directory.CreateDirectory(directory);
        try
        {
            File.WriteAllBytes(Path.Combine(directory, "header.i32"), MemoryMarshal.AsBytes<int>([count, Queries, Dimensions, K]).ToArray());
            File.WriteAllBytes(Path.Combine(directory, "vectors.f32"), MemoryMarshal.AsBytes(vectors.AsSpan()).ToArray());
            File.WriteAllBytes(Path.Combine(directory, "queries.f32"), MemoryMarshal.AsBytes(queries.AsSpan()).ToArray());
            File.WriteAllBytes(Path.Combine(directory, "truth.i64"), MemoryMarshal.AsBytes(truth.AsSpan()).ToArray());
            var script = Path.Combine(AppContext.BaseDirectory, "hnswlib_bench.py");
            var start = new ProcessStartInfo(python, [script, directory, M.ToString(CultureInfo.InvariantCulture), EfConstruction.ToString(CultureInfo.InvariantCulture), string.Join(',', s_efs)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.WriteLine($"hnswlib: failed ({error.Trim()})");
                return;
            }

            using var json = JsonDocument.Parse(output);
            Console.WriteLine(FormattableString.Invariant($"hnswlib build (M {M}, ef_construction {EfConstruction}, all threads): {json.RootElement.GetProperty("build_s").GetDouble():F1} s"));
            var theirs = new List<(int Ef, double Recall, double P50, double P99)>();
            foreach (var row in json.RootElement.GetProperty("results").EnumerateArray())
            {
                var entry = (row.GetProperty("ef").GetInt32(), row.GetProperty("recall").GetDouble(), row.GetProperty("p50_us").GetDouble(), row.GetProperty("p99_us").GetDouble());
                theirs.Add(entry);
                Console.WriteLine(FormattableString.Invariant(
                    $"hnswlib ef {entry.Item1,4}: recall@10 {entry.Item2:F3}  p50 {entry.Item3,7:F1} us  p99 {entry.Item4,7:F1} us"));
            }

            // Equal recall: the cheapest setting of each library that reaches 0.95.
            var oursAt = ours.Where(r => r.Recall >= 0.95).OrderBy(r => r.Ef).FirstOrDefault();
            var theirsAt = theirs.Where(r => r.Recall >= 0.95).OrderBy(r => r.Ef).FirstOrDefault();
            if (oursAt.Ef > 0 && theirsAt.Ef > 0)
            {
                Console.WriteLine(FormattableString.Invariant(
                    $"at recall@10 >= 0.95: usearch ef {oursAt.Ef} ({oursAt.Recall:F3}) p50 {oursAt.P50:F1} us vs hnswlib ef {theirsAt.Ef} ({theirsAt.Recall:F3}) p50 {theirsAt.P50:F1} us: ratio {oursAt.P50 / theirsAt.P50:F2}; usearch vs exact {exactP50 / oursAt.P50:F1}x faster"));
            }
            else
            {
                Console.WriteLine("at recall@10 >= 0.95: not reached by " + (oursAt.Ef == 0 ? "usearch " : string.Empty) + (theirsAt.Ef == 0 ? "hnswlib" : string.Empty));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static double MeasureReadBandwidth()
    {
        var data = new float[256L * 1024 * 1024];
        Array.Fill(data, 1f);
        var threads = Environment.ProcessorCount;
        var best = 0.0;
        for (var round = 0; round < 5; round++)
        {
            var partial = new float[threads];
            var size = data.Length / threads;
            var start = Stopwatch.GetTimestamp();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => partial[t] = TensorPrimitives.Sum(data.AsSpan(t * size, size)));
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (partial.Sum() <= 0)
            {
                throw new InvalidOperationException("The bandwidth probe was optimised away.");
            }

            best = Math.Max(best, data.Length * (double)sizeof(float) / seconds);
        }

        return best;
    }

    private static float[] RandomUnit(Random random)
    {
        var vector = new float[Dimensions];
        for (var i = 0; i < Dimensions; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        VectorArena.Normalize(vector);
        return vector;
    }

    private static void Clustered(Random random, float[][] centres, Span<float> destination)
    {
        var centre = centres[random.Next(centres.Length)];
        for (var i = 0; i < Dimensions; i++)
        {
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            destination[i] = centre[i] + (float)(s_spread * gaussian);
        }

        VectorArena.Normalize(destination);
    }
}
