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

    /// <summary>Reads the settings, letting environment variables override the threshold and HNSW parameters.</summary>
    public static SqliteRetrieverSettings FromEnvironment()
    {
        var settings = new SqliteRetrieverSettings();
        var threshold = ReadInt("PLUGINAI_SQLITE_HNSW_THRESHOLD");
        var m = ReadInt("PLUGINAI_SQLITE_HNSW_M");
        var efConstruction = ReadInt("PLUGINAI_SQLITE_HNSW_EF_CONSTRUCTION");
        var ef = ReadInt("PLUGINAI_SQLITE_HNSW_EF");
        return settings with
        {
            HnswThreshold = threshold ?? settings.HnswThreshold,
            Hnsw = new HnswParameters(m ?? settings.Hnsw.Connectivity, efConstruction ?? settings.Hnsw.ExpansionAdd, ef ?? settings.Hnsw.ExpansionSearch),
        };

        static int? ReadInt(string name) =>
            int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
    }
}
