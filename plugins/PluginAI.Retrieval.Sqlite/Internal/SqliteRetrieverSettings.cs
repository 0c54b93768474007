namespace PluginAI.Retrieval.Sqlite.Internal;

/// <summary>Tuning of the retriever; the defaults suit sentence-embedding models of 384 to 1024 dimensions.</summary>
internal sealed record SqliteRetrieverSettings
{
    /// <summary>Gets the number of chunks from which vector search uses the HNSW index instead of the exact scan.</summary>
    public int HnswThreshold { get; init; } = 20_000;

    /// <summary>Gets the HNSW parameters.</summary>
    public HnswParameters Hnsw { get; init; } = new(Connectivity: 16, ExpansionAdd: 128, ExpansionSearch: 64);

    /// <summary>Gets how many candidates each ranking contributes to hybrid fusion, as a multiple of the requested count.</summary>
    public int HybridCandidateFactor { get; init; } = 4;

    /// <summary>Gets how hybrid search fuses the vector and keyword rankings.</summary>
    public HybridFusion Fusion { get; init; } = HybridFusion.Calibrated;

    /// <summary>Gets the weight of the vector scores in convex fusion; the keyword scores get the rest.</summary>
    public double FusionAlpha { get; init; } = 0.8;

    /// <summary>Reads the settings, letting environment variables override the threshold and HNSW parameters.</summary>
    public static SqliteRetrieverSettings FromEnvironment()
    {
        var settings = new SqliteRetrieverSettings();
        var threshold = ReadInt("PLUGINAI_SQLITE_HNSW_THRESHOLD");
        var m = ReadInt("PLUGINAI_SQLITE_HNSW_M");
        var efConstruction = ReadInt("PLUGINAI_SQLITE_HNSW_EF_CONSTRUCTION");
        var ef = ReadInt("PLUGINAI_SQLITE_HNSW_EF");
        var fusion = Environment.GetEnvironmentVariable("PLUGINAI_SQLITE_FUSION")?.Trim().ToLowerInvariant() switch
        {
            "rrf" => HybridFusion.ReciprocalRank,
            "minmax" => HybridFusion.MinMax,
            "calibrated-scaled" => HybridFusion.CalibratedScaledVector,
            _ => HybridFusion.Calibrated,
        };
        var alpha = double.TryParse(Environment.GetEnvironmentVariable("PLUGINAI_SQLITE_FUSION_ALPHA"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var a) && a is >= 0 and <= 1 ? a : settings.FusionAlpha;
        return settings with
        {
            Fusion = fusion,
            FusionAlpha = alpha,
            HnswThreshold = threshold ?? settings.HnswThreshold,
            Hnsw = new HnswParameters(m ?? settings.Hnsw.Connectivity, efConstruction ?? settings.Hnsw.ExpansionAdd, ef ?? settings.Hnsw.ExpansionSearch),
        };

        static int? ReadInt(string name) =>
            int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
    }
}

/// <summary>How hybrid search fuses its two rankings.</summary>
internal enum HybridFusion
{
    /// <summary>A convex combination of cosine similarity and BM25 divided by the query's ceiling (<see cref="RankFusion.Calibrated"/>).</summary>
    Calibrated,

    /// <summary>As <see cref="Calibrated"/>, with the cosine similarities min-max scaled over the candidates.</summary>
    CalibratedScaledVector,

    /// <summary>A convex combination of scores min-max normalised within each ranking's candidates.</summary>
    MinMax,

    /// <summary>Reciprocal rank fusion with k = 60.</summary>
    ReciprocalRank,
}
